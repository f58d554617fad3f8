import { AppError } from "@galley/core";

export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
export const MAX_SECRET_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Names go into the AAD, env vars of node containers and audit rows, hence the narrow alphabet.
export function assertSecretName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !SECRET_NAME.test(name)) {
    throw new AppError("invalid_input", "Secret names are 1-64 characters: an upper-case letter, then upper-case letters, digits or _", {
      field: "name",
    });
  }
}

export function assertSecretValue(value: unknown): asserts value is string {
  if (typeof value !== "string") throw new AppError("invalid_input", "Secret value must be a string", { field: "value" });
  if (Buffer.byteLength(value, "utf8") > MAX_SECRET_BYTES) {
    throw new AppError("invalid_input", `Secret value is larger than ${MAX_SECRET_BYTES / 1024} KiB`, { field: "value" });
  }
}

export function assertUuid(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string" || !UUID.test(value)) throw new AppError("invalid_input", `${field} must be a UUID`, { field });
}

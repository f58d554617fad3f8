import { AppError } from "@galley/core";

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
// One or more <number><unit> parts, largest first by convention: "500ms", "30s", "1h30m".
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Parses "500ms", "30s", "10m", "1h", "1h30m" to milliseconds. Throws AppError(invalid_input) with the reason. */
export function parseDuration(value: unknown, field = "duration"): number {
  if (typeof value !== "string") {
    throw new AppError("invalid_input", `${field} must be a string with a unit such as "30s" or "10m" (got ${describe(value)})`, { field });
  }
  const text = value.trim();
  let total = 0;
  let matched = 0;
  DURATION_PART.lastIndex = 0;
  for (let m = DURATION_PART.exec(text); m; m = DURATION_PART.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    matched = DURATION_PART.lastIndex;
  }
  if (text.length === 0 || matched !== text.length) {
    throw new AppError(
      "invalid_input",
      `${field} must be a number followed by ms, s, m or h, such as "500ms", "30s", "10m", "1h" (got ${JSON.stringify(value)})`,
      { field },
    );
  }
  return Math.round(total);
}

const MEMORY_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
// Docker's convention: k/m/g are binary multiples; "mb", "mi" and "mib" are accepted as the same thing.
const MEMORY_RE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:ib?|b)?|(b))$/i;

/** Parses "256m", "1g", "512Mi", "2GB" to bytes (binary multiples). A unit is required. */
export function parseMemory(value: unknown, field = "memory"): number {
  if (typeof value !== "string") {
    throw new AppError("invalid_input", `${field} must be a string with a unit such as "256m" or "1g" (got ${describe(value)})`, { field });
  }
  const m = MEMORY_RE.exec(value.trim());
  if (!m) {
    throw new AppError(
      "invalid_input",
      `${field} must be a number followed by b, k, m, g or t, such as "256m" or "1g" (got ${JSON.stringify(value)})`,
      { field },
    );
  }
  const bytes = Math.floor(Number(m[1]) * MEMORY_UNITS[(m[2] ?? m[3]).toLowerCase()]);
  if (bytes <= 0) throw new AppError("invalid_input", `${field} must be more than 0 bytes (got ${JSON.stringify(value)})`, { field });
  return bytes;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return `${typeof value} ${JSON.stringify(value)}`;
}

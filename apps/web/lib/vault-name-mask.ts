// Managers (and anyone the policy denies `read_secret_names`) read pipelines and runs, but never
// the names of vault secrets. Pipeline code names them (`{{vault.API_TOKEN}}`), and so do
// validation messages: this masks the name wherever it appears in an answer. Pure.
const REF = /(\{\{\s*vault\.)([A-Za-z_][A-Za-z0-9_]*)(\s*\}\})/g;
const REF_BARE = /\bvault\.[A-Za-z_][A-Za-z0-9_]*/g;
const NO_SECRET = /no secret "[^"]*"/g;
export const MASKED_NAME = "•••";

function maskString(s: string): string {
  if (!s.includes("vault")) return s;
  return s.replace(REF, `$1${MASKED_NAME}$3`).replace(REF_BARE, `vault.${MASKED_NAME}`).replace(NO_SECRET, `no secret "${MASKED_NAME}"`);
}

/** A copy of `value` with every vault secret name masked (strings anywhere, keys included). */
export function maskVaultNames<T>(value: T): T {
  if (typeof value === "string") return maskString(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskVaultNames(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskString(k), maskVaultNames(v)])) as T;
  }
  return value; // dates, numbers, null
}

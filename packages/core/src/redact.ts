/** The forms in which a secret may show up in output: plain, base64, URL- and JSON-encoded. */
export function secretForms(secret: string): string[] {
  if (secret.length < 4) return []; // too short to redact without destroying ordinary text
  const forms = new Set<string>([
    secret,
    Buffer.from(secret, "utf8").toString("base64"),
    Buffer.from(secret, "utf8").toString("base64").replace(/=+$/, ""),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

export const REDACTED = "***";

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets.flatMap(secretForms)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * Redacts a stream of chunks: holds back (longest form - 1) characters so a secret
 * split across two writes is still caught.
 */
export class StreamRedactor {
  private readonly forms: string[];
  private readonly holdBack: number;
  private pending = "";

  constructor(secrets: readonly string[]) {
    this.forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
    this.holdBack = this.forms.length ? Math.max(...this.forms.map((f) => f.length)) - 1 : 0;
  }

  push(chunk: string): string {
    const text = this.pending + chunk;
    const redacted = this.redact(text);
    if (this.holdBack === 0) {
      this.pending = "";
      return redacted;
    }
    // Hold back the tail that could be the start of a secret.
    const cut = Math.max(0, redacted.length - this.holdBack);
    this.pending = redacted.slice(cut);
    return redacted.slice(0, cut);
  }

  flush(): string {
    const out = this.redact(this.pending);
    this.pending = "";
    return out;
  }

  private redact(text: string): string {
    let out = text;
    for (const f of this.forms) out = out.split(f).join(REDACTED);
    return out;
  }
}

const SENSITIVE_KEY = /password|passwd|token|secret|authorization|cookie|api[_-]?key/i;

/** Deep-copies a value for logging with sensitive keys replaced. */
export function redactKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  // An Error's fields are not enumerable: keep what a log reader needs.
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack, ...(("code" in value) ? { code: (value as { code?: unknown }).code } : {}) };
  if (Array.isArray(value)) return value.map((v) => redactKeys(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SENSITIVE_KEY.test(k) ? REDACTED : redactKeys(v, depth + 1);
  }
  return out;
}

// Credentials that arrive inside text (a driver's error quoting a connection string, a thrown
// message): a URL's user:password@, and name=value / name: value for credential-like names.
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/"'@]+:)[^\s@"'/]+@/gi;
const NAMED_CREDENTIAL = /\b((?:pg)?password|passwd|pwd|secret|token|api[_-]?key)(\s*[=:]\s*)(?!\*\*\*)[^\s"',;&\\]+/gi;

/** Replaces credentials that text carries in recognisable forms (for logs of unknown errors). */
export function scrubCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`).replace(NAMED_CREDENTIAL, `$1$2${REDACTED}`);
}

import type { PipelineError } from "./types";
import { formatPath, type FieldPath, type Locator } from "./yaml-source";

/** Collects errors for one pipeline file, turning field paths into lines when the YAML positions are known. */
export class ErrorSink {
  readonly errors: PipelineError[] = [];

  constructor(
    readonly file: string,
    private readonly locator?: Locator,
  ) {}

  at(path: FieldPath, message: string): void {
    this.errors.push({ file: this.file, ...this.locator?.locate(path), field: formatPath(path), message });
  }

  /** An error about the character at `index` of the string value at `path`. */
  inString(path: FieldPath, index: number, message: string): void {
    this.errors.push({ file: this.file, ...this.locator?.locateInString(path, index), field: formatPath(path), message });
  }

  push(error: PipelineError): void {
    this.errors.push(error);
  }

  private readonly pending: Array<{ seq: number; secret: string; emit: () => void }> = [];

  /**
   * An error that holds only where the vault has no secret `secret`: `emit` reports it when
   * `withVault` is asked about vault names that lack it. Until then no position is looked up.
   */
  unlessSecret(secret: string, emit: () => void): void {
    this.pending.push({ seq: this.errors.length, secret, emit });
  }

  /** The errors plus the pending ones `vault` lacks the secret for, in the order they were found; no vault: none of those. */
  withVault(vault: ReadonlySet<string> | undefined): PipelineError[] {
    if (!vault || this.pending.length === 0) return [...this.errors];
    const base = this.errors;
    const out: PipelineError[] = [];
    let k = 0;
    for (const p of this.pending) {
      while (k < p.seq) out.push(base[k++]);
      if (vault.has(p.secret)) continue;
      const before = base.length;
      p.emit();
      out.push(...base.splice(before));
    }
    while (k < base.length) out.push(base[k++]);
    return out;
  }
}

/** Orders errors by file, then line, so they read top to bottom. */
export function sortErrors(errors: PipelineError[]): PipelineError[] {
  return errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
}

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
}

/** Orders errors by file, then line, so they read top to bottom. */
export function sortErrors(errors: PipelineError[]): PipelineError[] {
  return errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
}

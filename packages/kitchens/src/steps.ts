// Multi-system operations (git + warehouse + database) as timed steps with compensations:
// when a step fails, the steps that succeeded are undone in reverse order.
import { AppError, isAppError, type ErrorCode, type Logger } from "@galley/core";

export interface StepTiming {
  step: string;
  ms: number;
}

export interface UndoOutcome {
  step: string;
  ok: boolean;
  message?: string;
}

export class StepRunner {
  readonly timings: StepTiming[] = [];
  private readonly undos: { step: string; fn: () => Promise<unknown> }[] = [];

  constructor(
    private readonly what: string,
    private readonly logger?: Logger,
    /** Said when a failure came before anything was done. */
    private readonly nothingDone = "Nothing was changed.",
  ) {}

  /** Runs one step; a failure undoes the earlier steps and throws an AppError naming this step. */
  async run<T>(step: string, fn: () => Promise<T>, stepOf?: (e: unknown) => string): Promise<T> {
    const t0 = performance.now();
    try {
      const out = await fn();
      this.timings.push({ step, ms: Math.round(performance.now() - t0) });
      return out;
    } catch (e) {
      const failed = stepOf?.(e) ?? step;
      const undone = await this.undoAll();
      throw stepError(this.what, failed, e, undone, this.nothingDone);
    }
  }

  /** Registers how to undo the step that just succeeded. */
  onUndo(step: string, fn: () => Promise<unknown>): void {
    this.undos.push({ step, fn });
  }

  /** The point of no return: later failures no longer undo the earlier steps. */
  forgetUndos(): void {
    this.undos.splice(0);
  }

  private async undoAll(): Promise<UndoOutcome[]> {
    const out: UndoOutcome[] = [];
    for (const u of this.undos.splice(0).reverse()) {
      try {
        await u.fn();
        out.push({ step: u.step, ok: true });
      } catch (e) {
        // Left behind: say so loudly, the operator must clean it up.
        const message = (e as Error)?.message ?? String(e);
        this.logger?.error("undo failed", { what: this.what, step: u.step, error: message });
        out.push({ step: u.step, ok: false, message });
      }
    }
    return out;
  }
}

function stepError(what: string, step: string, e: unknown, undone: UndoOutcome[], nothingDone: string): AppError {
  const leftovers = undone.filter((u) => !u.ok);
  const tail = leftovers.length
    ? ` Could not undo: ${leftovers.map((u) => `${u.step} (${u.message})`).join("; ")}.`
    : undone.length
      ? " Everything done before was undone."
      : ` ${nothingDone}`;
  const base = isAppError(e) ? (e as AppError) : null;
  const code: ErrorCode = base?.code ?? (isConnectionFailure(e) ? "unavailable" : "internal");
  const reason = base ? base.message : code === "unavailable" ? "a service is unreachable" : "unexpected error (see the server log)";
  const prior = base && base.details && typeof base.details === "object" && !Array.isArray(base.details) ? (base.details as Record<string, unknown>) : {};
  return new AppError(code, `${what} failed at step ${step}: ${reason}.${tail}`, {
    field: base?.field,
    details: { ...prior, step, undone },
    cause: e,
  });
}

function isConnectionFailure(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? "";
  return /^(P1001|P1002|P1017|P2024|ECONNREFUSED|ECONNRESET|ETIMEDOUT|08\w{3}|57P0[13])$/.test(code);
}

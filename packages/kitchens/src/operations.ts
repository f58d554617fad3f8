// Durable multi-step operations: a row in `operations` says how far a Kitchen creation,
// deletion or merge got, written BEFORE each irreversible step. While its process lives, the
// row's lease is renewed; once the lease has run out, the janitor (janitor.ts) finishes or undoes
// the operation from what the row says.
import { AppError } from "@galley/core";
import type { Db, Prisma, Tx } from "@galley/db";

export type OperationKind = "kitchen.create" | "kitchen.delete" | "kitchen.merge" | "views.rebind" | "views.sync";
export type OperationState = "running" | "done" | "undone";

/** A test hook (GALLEY_CRASH_AT): called at each named point `<kind>:<step>` and `<kind>:<step>:done`. */
export type Checkpoint = (point: string) => void;

/** The GALLEY_CRASH_AT hook: dies like a crash (SIGKILL, no cleanup) at that one point. */
export function crashAt(point: string | undefined): Checkpoint | undefined {
  if (!point) return undefined;
  return (p) => {
    if (p === point) process.kill(process.pid, "SIGKILL");
  };
}

export interface OperationDeps {
  db: Db;
  checkpoint?: Checkpoint;
  /** How long an operation's process may stay silent before the janitor takes over (default 15 s). */
  operationLeaseMs?: number;
}

export const DEFAULT_LEASE_MS = 15_000;

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  subject: string;
  kitchenId: string | null;
  environmentId: string | null;
  step: string;
  state: OperationState;
  payload: Record<string, unknown>;
  error: string | null;
  actorId: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export const OPERATION_SELECT = {
  id: true, kind: true, subject: true, kitchenId: true, environmentId: true, step: true, state: true,
  payload: true, error: true, actorId: true, attempts: true, createdAt: true, updatedAt: true,
} satisfies Prisma.OperationSelect;

export function toRecord(r: Prisma.OperationGetPayload<{ select: typeof OPERATION_SELECT }>): OperationRecord {
  return { ...r, kind: r.kind as OperationKind, state: r.state as OperationState, payload: (r.payload ?? {}) as Record<string, unknown> };
}

const leaseFrom = (ms: number) => new Date(Date.now() + ms);

/**
 * One running operation of this process. `step()` records the next step (and what undoing it
 * needs) and only then lets the caller do it; `finish()` closes the row in the caller's
 * transaction, so the last step and "done" commit together.
 */
export class Operation {
  private renewal: NodeJS.Timeout | null = null;
  private payload: Record<string, unknown>;
  current: string;

  private constructor(
    private readonly deps: OperationDeps,
    readonly id: string,
    readonly kind: OperationKind,
    step: string,
    payload: Record<string, unknown>,
  ) {
    this.current = step;
    this.payload = payload;
    const leaseMs = deps.operationLeaseMs ?? DEFAULT_LEASE_MS;
    this.renewal = setInterval(() => {
      deps.db.operation
        .updateMany({ where: { id, state: "running" }, data: { leaseUntil: leaseFrom(leaseMs) } })
        .catch(() => {
          // A missed renewal is retried on the next tick; the lease outlives three ticks.
        });
    }, Math.max(200, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  /**
   * Records the operation's first step. A second unfinished creation or deletion of the same
   * name is refused here (one running operation per name: the row is the name's reservation).
   */
  static async begin(
    deps: OperationDeps,
    input: { kind: OperationKind; subject: string; step: string; payload: Record<string, unknown>; kitchenId?: string; environmentId?: string; actorId?: string },
    tx?: Tx,
  ): Promise<Operation> {
    const leaseMs = deps.operationLeaseMs ?? DEFAULT_LEASE_MS;
    const client = tx ?? deps.db;
    const row = await client.operation
      .create({
        data: {
          kind: input.kind, subject: input.subject, step: input.step, payload: input.payload as Prisma.InputJsonValue,
          kitchenId: input.kitchenId, environmentId: input.environmentId, actorId: input.actorId, leaseUntil: leaseFrom(leaseMs),
        },
        select: { id: true },
      })
      .catch((e) => {
        if ((e as { code?: string })?.code === "P2002") {
          const what = input.kind === "kitchen.merge" ? "being merged into" : "being created or deleted";
          throw new AppError("conflict", `Kitchen ${input.subject} is ${what} right now; try again when that has finished`, { field: "name", cause: e });
        }
        throw e;
      });
    const op = new Operation(deps, row.id, input.kind, input.step, input.payload);
    // Inside a transaction the row is not committed yet: the caller says when it is (committed()).
    if (!tx) op.checkpoint(input.step);
    return op;
  }

  private finished = false;

  get isRunning(): boolean {
    return !this.finished;
  }

  /** After begin(…, tx) once that transaction committed. */
  committed(): void {
    this.checkpoint(this.current);
  }

  private checkpoint(point: string): void {
    this.deps.checkpoint?.(`${this.kind}:${point}`);
  }

  /** The current step is done: crash point `<kind>:<step>:done`. */
  stepDone(): void {
    this.checkpoint(`${this.current}:done`);
  }

  /** Records `step` (and merges `patch` into the payload) before the caller does it. */
  async step(step: string, patch: Record<string, unknown> = {}): Promise<void> {
    this.payload = { ...this.payload, ...patch };
    await this.deps.db.operation.update({
      where: { id: this.id },
      data: { step, payload: this.payload as Prisma.InputJsonValue, updatedAt: new Date(), leaseUntil: leaseFrom(this.deps.operationLeaseMs ?? DEFAULT_LEASE_MS) },
      select: { id: true },
    });
    this.current = step;
    this.checkpoint(step);
  }

  /** Closes the operation, in the transaction of its last step when given. */
  async finish(state: "done" | "undone", opts: { tx?: Tx; error?: string; kitchenId?: string } = {}): Promise<void> {
    this.stop();
    await finishOperation(opts.tx ?? this.deps.db, this.id, state, opts);
    // In a transaction: finished once it commits; a rollback throws through the caller anyway.
    this.finished = true;
  }

  /**
   * A failure that could not be undone here: hand the operation to the janitor now (lease
   * expired) with the error, instead of waiting for the lease.
   */
  async abandon(error: string): Promise<void> {
    this.stop();
    this.finished = true;
    await this.deps.db.operation.update({ where: { id: this.id }, data: { error: error.slice(0, 2000), leaseUntil: new Date(0), updatedAt: new Date() }, select: { id: true } });
  }

  stop(): void {
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
  }
}

export async function finishOperation(client: Db | Tx, id: string, state: "done" | "undone", opts: { error?: string; kitchenId?: string } = {}): Promise<void> {
  const now = new Date();
  const r = await client.operation.updateMany({
    where: { id, state: "running" },
    data: { state, finishedAt: now, updatedAt: now, ...(opts.error !== undefined ? { error: opts.error.slice(0, 2000) } : {}), ...(opts.kitchenId ? { kitchenId: opts.kitchenId } : {}) },
  });
  if (r.count !== 1) throw new AppError("conflict", `operation ${id} was already finished by someone else (the janitor took it over)`);
}

/** Unfinished operations on a Kitchen name (shown on its page and in the tree). */
export async function findOperationsBySubject(db: Db | Tx, subjects: string[], opts: { since?: Date } = {}): Promise<OperationRecord[]> {
  if (!subjects.length) return [];
  const rows = await db.operation.findMany({
    where: { subject: { in: subjects }, kind: { in: ["kitchen.create", "kitchen.delete", "kitchen.merge"] }, OR: [{ state: "running" }, { updatedAt: { gte: opts.since ?? new Date(Date.now() - 86_400_000) } }] },
    select: OPERATION_SELECT,
    orderBy: { createdAt: "desc" },
    take: 50,
  });
  return rows.map(toRecord);
}

/** A person's own operations that are unfinished or were finished by the janitor (last day): the home page's notice. */
export async function findInterruptedOperations(db: Db | Tx, actorId: string): Promise<OperationRecord[]> {
  const rows = await db.operation.findMany({
    where: {
      actorId, kind: { in: ["kitchen.create", "kitchen.delete", "kitchen.merge"] },
      OR: [{ state: "running", leaseUntil: { lt: new Date() } }, { state: { in: ["done", "undone"] }, updatedAt: { gte: new Date(Date.now() - 86_400_000) }, NOT: { error: null } }],
    },
    select: OPERATION_SELECT,
    orderBy: { createdAt: "desc" },
    take: 10,
  });
  // Only the janitor's repairs and stuck operations: an ordinary refusal (undone in-process) is not news.
  return rows.map(toRecord).filter((o) => o.state === "running" || /janitor/.test(o.error ?? ""));
}

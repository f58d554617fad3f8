import type { PrismaClient } from "./generated/client";
import type { Prisma } from "./generated/client";

export type Tx = Prisma.TransactionClient;

const SERIALIZATION_FAILURE = new Set(["40001", "40P01", "P2034"]);

function isRetryable(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  const metaCode = (e as { meta?: { code?: string } })?.meta?.code;
  return SERIALIZATION_FAILURE.has(code ?? "") || SERIALIZATION_FAILURE.has(metaCode ?? "") || /could not serialize|deadlock detected/i.test(String((e as Error)?.message));
}

/**
 * The one transaction helper: use cases own their transactions. Serializable transactions
 * retry only on serialization failures, never on business errors.
 */
export async function withTransaction<T>(
  db: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  opts: { serializable?: boolean; retries?: number; timeoutMs?: number } = {},
): Promise<T> {
  const retries = opts.retries ?? (opts.serializable ? 5 : 0);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(fn, {
        isolationLevel: opts.serializable ? "Serializable" : "ReadCommitted",
        timeout: opts.timeoutMs ?? 15_000,
        maxWait: 10_000,
      });
    } catch (e) {
      if (attempt < retries && isRetryable(e)) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw e;
    }
  }
}

/** Serialises writers of one key (e.g. merges into one Kitchen) for the life of the transaction. */
export async function advisoryXactLock(tx: Tx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

/** A deleteMany/updateMany with an empty filter is a bug: refuse it. */
export function assertFilter(where: Record<string, unknown> | undefined, what: string): void {
  if (!where || Object.keys(where).length === 0) throw new Error(`refusing mass write without a filter: ${what}`);
}

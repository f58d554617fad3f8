// Periodic upkeep, one worker at a time (advisory lock): retention of node logs, sign-in attempts
// and stale heartbeats, and `git gc --auto` of the analytics repository (packs loose objects
// that every commit and merge leaves behind; a no-op when there is little to do). A worker host
// (`--role nodes`) has no repository and only prunes.
import type { Config, Logger } from "@galley/core";
import { pruneOlderThan, withTransaction, type Db } from "@galley/db";
import type { AnalyticsRepo } from "@galley/git";

const DAY = 24 * 3600 * 1000;

export async function runMaintenance(deps: { db: Db; repo?: AnalyticsRepo; config: Config; logger: Logger }): Promise<{ leader: boolean; pruned: Record<string, number> }> {
  const { db, config: c } = deps;
  // One pass at a time across workers: the transaction lock is held while it prunes.
  const pruned = await withTransaction(
    db,
    async (tx) => {
      const [{ ok }] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended('galley:maintenance', 0)) AS ok`;
      if (!ok) return null;
      return {
        node_logs: await pruneOlderThan(tx, "node_logs", c.GALLEY_RETAIN_NODE_LOGS_DAYS * DAY),
        sign_in_attempts: await pruneOlderThan(tx, "sign_in_attempts", c.GALLEY_RETAIN_SIGN_IN_ATTEMPTS_DAYS * DAY),
        worker_heartbeats: await pruneOlderThan(tx, "worker_heartbeats", c.GALLEY_RETAIN_HEARTBEATS_DAYS * DAY),
      };
    },
    { timeoutMs: 10 * 60_000 },
  );
  if (!pruned) return { leader: false, pruned: {} };
  await deps.repo?.git.text(["gc", "--auto", "--quiet"], { timeoutMs: 10 * 60_000 }).catch((e) => deps.logger.warn("git gc failed", { err: e }));
  return { leader: true, pruned };
}

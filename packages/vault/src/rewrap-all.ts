import { withTransaction } from "@galley/db";
import type { VaultDeps } from "./deps";
import { kekIdOfSealed, rewrapSealed } from "./envelope";
import { countByKek, insertAudit, lockRowsNotOnKek, updateCiphertexts } from "./vault-repository";

export interface RewrapOptions {
  batchSize?: number;
  actorId?: string | null;
  requestId?: string;
  /** Stop between batches (shutdown); a later call resumes where this one stopped. */
  signal?: AbortSignal;
  onBatch?: (progress: { rewrapped: number }) => void;
}

export interface RewrapResult {
  rewrapped: number;
  /** Secrets still wrapped by a KEK other than the active one (0 when the old KEK can be removed). */
  remaining: number;
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/**
 * KEK rotation: re-wraps every DEK with the active KEK, one committed batch at a time.
 * Resumable by construction: rows already on the active KEK are never selected again.
 * Values are not decrypted; only the DEK layer changes. Secrets sealed with a pool's own key
 * (GALLEY_POOL_KEKS) stay on it: moving them to the main key would open them to every pool.
 */
export async function rewrapAll(deps: VaultDeps, opts: RewrapOptions = {}): Promise<RewrapResult> {
  const batchSize = opts.batchSize ?? 200;
  const active = deps.keyring.activeKekId;
  let rewrapped = 0;
  let afterId = NIL_UUID;
  while (!opts.signal?.aborted) {
    const n = await withTransaction(deps.db, async (tx) => {
      const rows = await lockRowsNotOnKek(active, afterId, batchSize, tx, [...(deps.keyring.pools?.values() ?? [])]);
      if (rows.length === 0) return 0;
      const updated = rows.map((r) => ({ id: r.id, ciphertext: rewrapSealed(deps.keyring, r, r.ciphertext) }));
      await updateCiphertexts(updated, tx);
      const fromKekIds = [...new Set(rows.map((r) => kekIdOfSealed(r.ciphertext)))];
      await insertAudit(
        { actorId: opts.actorId ?? null, action: "vault.rewrap", target: "vault", details: { toKekId: active, fromKekIds, count: rows.length }, requestId: opts.requestId },
        tx,
      );
      afterId = rows[rows.length - 1].id;
      return rows.length;
    });
    if (n === 0) break;
    rewrapped += n;
    opts.onBatch?.({ rewrapped });
  }
  const usage = await countByKek(deps.db);
  const poolKeks = new Set(deps.keyring.pools?.values() ?? []);
  const remaining = Object.entries(usage).reduce((sum, [kek, count]) => (kek === active || poolKeks.has(kek) ? sum : sum + count), 0);
  return { rewrapped, remaining };
}

/** Secrets per kekId: check an old KEK is unused before removing it from the keyring. */
export function kekUsage(deps: Pick<VaultDeps, "db">): Promise<Record<string, number>> {
  return countByKek(deps.db);
}

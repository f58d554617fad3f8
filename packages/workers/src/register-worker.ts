import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import { hashToken, isTokenShaped, openPoolKeys, tokenHint } from "./credential-token";

export interface RegisterWorkerInput {
  token: string;
  pool: string;
  workerId: string;
  hostname: string;
  pid: number;
  version: string;
  role: string;
}

/**
 * A worker starting: checks its credential (known, not revoked, issued for the pool it serves),
 * writes its row (host, pool, version, credential) and returns its pool's vault keys, active first.
 * Refusals say what to do; they never echo the token.
 */
export async function registerWorker(deps: { db: Db }, input: RegisterWorkerInput): Promise<{ credentialId: string; keys: Buffer[] }> {
  const unknown = new AppError("unauthenticated", "worker credential not recognised: an admin issues one on the Workers page (/admin/workers); start the worker with it in GALLEY_WORKER_CREDENTIAL or GALLEY_WORKER_CREDENTIAL_FILE");
  if (!isTokenShaped(input.token)) throw unknown;
  const c = await deps.db.workerCredential.findUnique({ where: { tokenHash: hashToken(input.token) }, select: { id: true, pool: true, revokedAt: true, wrappedKeys: true } });
  if (!c) throw unknown;
  const hint = tokenHint(input.token);
  if (c.revokedAt || !c.wrappedKeys) throw new AppError("forbidden", `worker credential ${hint} was revoked (${c.revokedAt?.toISOString() ?? "keys erased"}): an admin issues a new one on the Workers page`);
  if (c.pool !== input.pool) throw new AppError("forbidden", `worker credential ${hint} is for pool ${c.pool}: it cannot serve pool ${input.pool}`);
  const keys = openPoolKeys(input.token, c.id, c.pool, c.wrappedKeys);
  const row = { hostname: input.hostname, pid: input.pid, pool: input.pool, version: input.version, role: input.role, credentialId: c.id, draining: false, running: 0, stoppedAt: null, beatAt: new Date() };
  await deps.db.workerHeartbeat.upsert({ where: { workerId: input.workerId }, update: row, create: { workerId: input.workerId, ...row }, select: { workerId: true } });
  await deps.db.workerCredential.update({ where: { id: c.id }, data: { lastUsedAt: new Date() }, select: { id: true } });
  return { credentialId: c.id, keys };
}

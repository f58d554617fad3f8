import { randomUUID } from "node:crypto";
import { AppError } from "@galley/core";
import { withTransaction, type Db } from "@galley/db";
import { keysForPool, type Keyring } from "@galley/vault";
import { generateToken, hashToken, sealPoolKeys, tokenHint } from "./credential-token";
import { ZIssueWorkerCredentialInput, type TIssueWorkerCredentialInput } from "./schemas";

export interface IssuedWorkerCredential {
  id: string;
  pool: string;
  name: string;
  /** Shown once: only its hash is stored. */
  token: string;
  hint: string;
}

/**
 * Issues a credential for one pool. The pool's vault keys (its own key from GALLEY_POOL_KEKS, else
 * the main keys) are sealed into the row under the token, so a worker started with the token gets
 * exactly its pool's keys and needs no GALLEY_KEK. `actorId` null: the control plane's own worker
 * issuing itself one on first start (it holds the key file already).
 */
export async function issueWorkerCredential(
  deps: { db: Db; keyring: Keyring },
  input: TIssueWorkerCredentialInput & { actorId: string | null; requestId?: string },
): Promise<IssuedWorkerCredential> {
  const parsed = ZIssueWorkerCredentialInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("invalid_input", issue.message, { field: String(issue.path[0] ?? "pool") });
  }
  const { pool, name } = parsed.data;
  const id = randomUUID();
  const token = generateToken();
  const wrappedKeys = sealPoolKeys(token, id, pool, keysForPool(deps.keyring, pool));
  await withTransaction(deps.db, async (tx) => {
    await tx.workerCredential.create({ data: { id, pool, name, tokenHash: hashToken(token), tokenHint: tokenHint(token), wrappedKeys, createdBy: input.actorId }, select: { id: true } });
    await tx.auditLog.create({
      data: { actorId: input.actorId, action: "worker_credential.issue", target: `worker_credential:${id}`, details: { pool, name }, requestId: input.requestId ?? null },
      select: { id: true },
    });
  });
  return { id, pool, name, token, hint: tokenHint(token) };
}

/** Deletes a credential no worker ever used (a control-plane worker lost the race to write its file). */
export async function discardUnusedWorkerCredential(deps: { db: Db }, id: string): Promise<void> {
  await deps.db.workerCredential.deleteMany({ where: { id, lastUsedAt: null } });
}

import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import { assertAllowed } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { findLiveById } from "./kitchen-repository";
import { ZMergeConflict, type TMergeConflict } from "./schemas";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const mergeNotFound = (id: string) => new AppError("not_found", `merge ${id} does not exist`, { field: "mergeId" });

export async function findMergeRow(db: Db, id: string) {
  const m = UUID_RE.test(id)
    ? await db.merge.findUnique({
        where: { id },
        select: { id: true, sourceKitchenId: true, targetKitchenId: true, sourceCommit: true, targetCommit: true, baseCommit: true, status: true, conflicts: true, resultCommit: true, createdAt: true, finishedAt: true },
      })
    : null;
  if (!m) throw mergeNotFound(id);
  return m;
}

export interface MergeView {
  id: string;
  source: string;
  target: string;
  status: string;
  sourceCommit: string;
  targetCommit: string;
  resultCommit: string | null;
  conflicts: TMergeConflict[];
  createdAt: Date;
  finishedAt: Date | null;
}

/** A merge and its conflicts, for whoever may read the target Kitchen. */
export async function getMerge(deps: Pick<KitchensDeps, "db">, id: string, actor: KitchenActor): Promise<MergeView> {
  const m = await findMergeRow(deps.db, id);
  const [target, source] = await Promise.all([findLiveById(m.targetKitchenId, deps.db), deps.db.kitchen.findUnique({ where: { id: m.sourceKitchenId }, select: { name: true } })]);
  if (!target) throw mergeNotFound(id);
  try {
    assertAllowed(actor, target, "read");
  } catch (e) {
    // A merge into a Kitchen the actor cannot see does not exist for them.
    if ((e as AppError).code === "not_found") throw mergeNotFound(id);
    throw e;
  }
  return {
    id: m.id,
    source: source?.name ?? "(deleted)",
    target: target.name,
    status: m.status,
    sourceCommit: m.sourceCommit,
    targetCommit: m.targetCommit,
    resultCommit: m.resultCommit,
    conflicts: ZMergeConflict.array().parse(m.conflicts),
    createdAt: m.createdAt,
    finishedAt: m.finishedAt,
  };
}

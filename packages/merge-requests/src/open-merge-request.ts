import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { appendAudit, getKitchenForActorOrThrow, kitchenTarget, mergePairOf } from "@galley/kitchens";
import type { KitchenActor, MergeRequestsDeps } from "./deps";

export interface OpenRequestInput {
  kitchen: string;
  title: string;
  description?: string;
}

/** Asks to merge `kitchen` into its parent. Anyone who may read the Kitchen may ask. */
export async function openMergeRequest(deps: MergeRequestsDeps, input: OpenRequestInput, actor: KitchenActor, opts: { requestId?: string } = {}) {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "read");
  if (actor.role === "viewer") throw new AppError("forbidden", "viewers cannot open merge requests", { field: "kitchen" });
  const { source, target } = await mergePairOf(deps, k, "up");
  const preview = await deps.git.mergePreview(source.branch, target.branch);
  if (preview.upToDate) throw new AppError("invalid_input", `${source.name} has nothing that ${target.name} lacks: commit a change first`, { field: "kitchen" });
  const open = await deps.db.mergeRequest.findFirst({ where: { sourceKitchenId: source.id, targetKitchenId: target.id, status: "open" }, select: { id: true, number: true } });
  if (open) throw new AppError("conflict", `merge request #${open.number} from ${source.name} into ${target.name} is already open`, { field: "kitchen" });
  const row = await withTransaction(deps.db, async (tx) => {
    const created = await tx.mergeRequest.create({
      data: { sourceKitchenId: source.id, targetKitchenId: target.id, title: input.title, description: input.description ?? "", headCommit: preview.sourceHead, createdById: actor.id },
      select: { id: true, number: true },
    });
    await appendAudit({ actorId: actor.id, action: "merge_request.open", target: kitchenTarget(target.id), requestId: opts.requestId, details: { request: created.number, source: source.name, target: target.name } }, tx);
    await deps.notify?.(tx, { kind: "merge_request.opened", requestId: created.id, number: created.number, title: input.title, source: source.name, target: target.name, targetKitchenId: target.id, sourceKitchenId: source.id, actor: actor.name });
    return created;
  }).catch((e: unknown) => {
    // Two people asking at once: the partial unique index keeps one open request per pair.
    if ((e as { code?: string }).code === "P2002") throw new AppError("conflict", `a merge request from ${source.name} into ${target.name} is already open`, { field: "kitchen" });
    throw e;
  });
  return { id: row.id, number: row.number, source: source.name, target: target.name };
}

/** Open and recent requests from or into a Kitchen, newest first (bounded). */
export async function listMergeRequests(deps: MergeRequestsDeps, input: { kitchen: string; status?: "open" | "merged" | "closed"; limit?: number }, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "view");
  const rows = await deps.db.mergeRequest.findMany({
    where: { OR: [{ sourceKitchenId: k.id }, { targetKitchenId: k.id }], ...(input.status ? { status: input.status } : {}) },
    orderBy: { createdAt: "desc" },
    take: Math.min(input.limit ?? 50, 200),
    select: { id: true, number: true, title: true, status: true, createdAt: true, source: { select: { name: true } }, target: { select: { name: true } } },
  });
  return rows.map((r) => ({ id: r.id, number: r.number, title: r.title, status: r.status, createdAt: r.createdAt, source: r.source.name, target: r.target.name }));
}

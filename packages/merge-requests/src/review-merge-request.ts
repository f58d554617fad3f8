import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { appendAudit, kitchenTarget, type KitchenActor } from "@galley/kitchens";
import type { MergeRequestsDeps } from "./deps";
import { getRequestForActorOrThrow } from "./request-access";

/** Approve or request changes, on the source's current head (a later commit makes it stale). */
export async function reviewMergeRequest(
  deps: MergeRequestsDeps,
  input: { id: string; verdict: "approved" | "changes_requested"; body?: string },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
) {
  const ctx = await getRequestForActorOrThrow(deps, input.id, actor);
  if (ctx.request.status !== "open") throw new AppError("conflict", `merge request #${ctx.request.number} is ${ctx.request.status}`, { field: "id" });
  if (!ctx.may.review) throw new AppError("forbidden", `only staff of ${ctx.target.name} (or approvers) review requests into it`, { field: "verdict" });
  if (input.verdict === "approved" && !ctx.may.approve) {
    throw new AppError(
      "forbidden",
      actor.id === ctx.request.createdById ? "you opened this request: someone else must approve it" : `approvals into ${ctx.target.name} must come from ${ctx.rules.approvers === "staff" ? "its staff" : `a ${ctx.rules.approvers} user`}`,
      { field: "verdict" },
    );
  }
  const head = await deps.git.headOf(ctx.source.branch);
  await withTransaction(deps.db, async (tx) => {
    const review = await tx.mergeRequestReview.create({ data: { requestId: ctx.request.id, userId: actor.id, verdict: input.verdict, commit: head, body: input.body ?? "" }, select: { id: true } });
    await tx.mergeRequest.update({ where: { id: ctx.request.id }, data: { headCommit: head, updatedAt: new Date() }, select: { id: true } });
    await appendAudit({ actorId: actor.id, action: `merge_request.${input.verdict}`, target: kitchenTarget(ctx.target.id), requestId: opts.requestId, details: { request: ctx.request.number, commit: head } }, tx);
    if (input.verdict === "approved") {
      await deps.notify?.(tx, { kind: "merge_request.approved", requestId: ctx.request.id, reviewId: review.id, number: ctx.request.number, title: ctx.request.title, source: ctx.source.name, target: ctx.target.name, targetKitchenId: ctx.target.id, sourceKitchenId: ctx.source.id, actor: actor.name });
    }
  });
  return { verdict: input.verdict, commit: head };
}

/** A comment on the whole request, or on one line of one changed file. */
export async function commentOnMergeRequest(deps: MergeRequestsDeps, input: { id: string; body: string; path?: string; line?: number }, actor: KitchenActor) {
  const ctx = await getRequestForActorOrThrow(deps, input.id, actor);
  if (actor.role === "viewer") throw new AppError("forbidden", "viewers cannot comment on merge requests", { field: "body" });
  const head = ctx.request.status === "open" ? await deps.git.headOf(ctx.source.branch) : ctx.request.headCommit;
  if (input.path !== undefined) {
    const files = (await deps.git.compare(ctx.target.branch, ctx.source.branch)).files.map((f) => f.path);
    if (!files.includes(input.path)) throw new AppError("invalid_input", `${input.path} is not changed by this request`, { field: "path" });
  }
  if (input.line !== undefined && input.path === undefined) throw new AppError("invalid_input", "a line comment needs the file's path", { field: "line" });
  const row = await deps.db.mergeRequestComment.create({ data: { requestId: ctx.request.id, userId: actor.id, body: input.body, path: input.path ?? null, line: input.line ?? null, commit: head }, select: { id: true } });
  return { id: row.id };
}

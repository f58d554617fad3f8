import { changedPipelines, checkStateOf, evaluateRequest, type KitchenActor, type CheckState, type RequestVerdict } from "@galley/kitchens";
import type { MergeRequestsDeps } from "./deps";
import { getRequestForActorOrThrow, type RequestContext } from "./request-access";
import { latestReviews, latestRunsAt, testCountsOf, usersByIds } from "./request-repository";

export interface RequestCheck {
  pipeline: string;
  state: CheckState;
  runId?: string;
  tests: Record<string, number>;
}

/**
 * Everything a request page shows: the files and patches, the preview, the checks (latest run of
 * each changed pipeline in the source at the head commit, with its test verdicts), the reviews
 * (stale when made on an older commit), the comments, and what is missing before it can merge.
 * An open request follows the source branch: a new commit moves its head.
 */
export async function getMergeRequest(deps: MergeRequestsDeps, id: string, actor: KitchenActor) {
  const ctx = await getRequestForActorOrThrow(deps, id, actor);
  const { request, source, target } = ctx;
  const live = request.status === "open" && !source.deletedAt && !target.deletedAt;
  let head = request.headCommit;
  if (live) {
    head = await deps.git.headOf(source.branch);
    if (head !== request.headCommit) {
      await deps.db.mergeRequest.updateMany({ where: { id: request.id, status: "open" }, data: { headCommit: head, updatedAt: new Date() } });
    }
  }
  const [compare, preview] = live
    ? await Promise.all([deps.git.compare(target.branch, source.branch), deps.git.mergePreview(source.branch, target.branch)])
    : [undefined, undefined];
  const files = compare?.files ?? [];
  const checks = await checksOf(deps, ctx, head, files.map((f) => f.path));
  const reviews = await latestReviews(request.id, deps.db);
  const comments = await deps.db.mergeRequestComment.findMany({ where: { requestId: request.id }, orderBy: { createdAt: "asc" }, take: 500, select: { id: true, userId: true, body: true, path: true, line: true, commit: true, createdAt: true } });
  const people = new Map((await usersByIds([request.createdById, ...(request.mergedById ? [request.mergedById] : []), ...reviews.map((r) => r.userId), ...comments.map((c) => c.userId)], deps.db)).map((u) => [u.id, u]));
  const targetStaff = new Set(target.staff.map((s) => s.userId));
  const verdict: RequestVerdict = evaluateRequest({
    rules: ctx.rules,
    status: request.status as "open" | "merged" | "closed",
    authorId: request.createdById,
    head,
    reviews: reviews.map((r) => ({ id: r.userId, role: people.get(r.userId)?.role ?? "viewer", isTargetStaff: targetStaff.has(r.userId), verdict: r.verdict as "approved" | "changes_requested", commit: r.commit })),
    checks,
    conflicts: preview?.conflicts.map((c) => c.path) ?? [],
    upToDate: preview?.upToDate ?? false,
  });
  const person = (id: string | null) => (id ? { id, name: people.get(id)?.name ?? "(deleted user)" } : null);
  return {
    id: request.id,
    number: request.number,
    title: request.title,
    description: request.description,
    status: request.status,
    source: source.name,
    target: target.name,
    targetKitchenId: target.id,
    sourceKitchenId: source.id,
    sourceDeleted: Boolean(source.deletedAt),
    head,
    author: person(request.createdById),
    createdAt: request.createdAt,
    merged: request.mergedAt ? { by: person(request.mergedById), at: request.mergedAt, commit: request.mergeCommit } : null,
    closedAt: request.closedAt,
    rules: ctx.rules,
    files,
    diff: compare?.diff ?? [],
    conflicts: preview?.conflicts.map((c) => c.path) ?? [],
    checks,
    reviews: reviews.map((r) => ({ reviewer: person(r.userId), verdict: r.verdict, commit: r.commit, stale: r.commit !== head, body: r.body, at: r.createdAt })),
    comments: comments.map((c) => ({ id: c.id, author: person(c.userId), body: c.body, path: c.path, line: c.line, commit: c.commit, at: c.createdAt })),
    verdict,
    may: ctx.may,
  };
}

export type MergeRequestView = Awaited<ReturnType<typeof getMergeRequest>>;

async function checksOf(deps: MergeRequestsDeps, ctx: RequestContext, head: string, paths: string[]): Promise<RequestCheck[]> {
  const pipelines = changedPipelines(paths);
  const runs = await latestRunsAt(ctx.source.id, head, pipelines, deps.db);
  const tests = await testCountsOf(runs.map((r) => r.id), deps.db);
  return pipelines.map((pipeline) => {
    const run = runs.find((r) => r.pipeline === pipeline);
    return { pipeline, state: checkStateOf(run), runId: run?.id, tests: run ? (tests.get(run.id) ?? {}) : {} };
  });
}

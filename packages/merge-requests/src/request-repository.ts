// Plain-object data access for merge requests. No rules here.
import type { Db, Prisma, Tx } from "@galley/db";

type Client = Db | Tx;

export const REQUEST_SELECT = {
  id: true,
  number: true,
  sourceKitchenId: true,
  targetKitchenId: true,
  title: true,
  description: true,
  status: true,
  headCommit: true,
  createdById: true,
  createdAt: true,
  updatedAt: true,
  mergedById: true,
  mergedAt: true,
  mergeCommit: true,
  closedAt: true,
} satisfies Prisma.MergeRequestSelect;

export type RequestRecord = Prisma.MergeRequestGetPayload<{ select: typeof REQUEST_SELECT }>;

export function findRequestById(id: string, client: Client): Promise<RequestRecord | null> {
  return client.mergeRequest.findUnique({ where: { id }, select: REQUEST_SELECT });
}

export function findRequestByNumber(number: number, client: Client): Promise<RequestRecord | null> {
  return client.mergeRequest.findUnique({ where: { number }, select: REQUEST_SELECT });
}

/** The latest review of each reviewer. */
export async function latestReviews(requestId: string, client: Client) {
  const rows = await client.mergeRequestReview.findMany({ where: { requestId }, orderBy: { createdAt: "desc" }, select: { userId: true, verdict: true, commit: true, body: true, createdAt: true } });
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.userId) ? false : (seen.add(r.userId), true)));
}

export function usersByIds(ids: string[], client: Client) {
  return client.user.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true, email: true, role: true } });
}

/** The newest run of each pipeline in a Kitchen at one commit. */
export async function latestRunsAt(kitchenId: string, commit: string, pipelines: string[], client: Client) {
  if (pipelines.length === 0) return [];
  const runs = await client.run.findMany({
    where: { kitchenId, commit, pipeline: { in: pipelines } },
    orderBy: { createdAt: "desc" },
    take: pipelines.length * 20,
    select: { id: true, pipeline: true, status: true, warnings: true, createdAt: true, finishedAt: true },
  });
  const byPipeline = new Map<string, (typeof runs)[number]>();
  for (const r of runs) if (!byPipeline.has(r.pipeline)) byPipeline.set(r.pipeline, r);
  return [...byPipeline.values()];
}

export async function testCountsOf(runIds: string[], client: Client): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (runIds.length === 0) return out;
  const rows = await client.testResult.groupBy({ by: ["runId", "verdict"], where: { runId: { in: runIds } }, _count: { _all: true } });
  for (const r of rows) {
    const m = out.get(r.runId) ?? {};
    m[r.verdict] = r._count._all;
    out.set(r.runId, m);
  }
  return out;
}

// Reads what an alert says about an event from PostgreSQL: the run, its Kitchen, failed nodes,
// tripped tests, the schedule tick. Plain objects out.
import type { Db } from "@galley/db";
import { settledEvents, type AlertEvent } from "./events";
import type { AlertFacts, TestFact } from "./message";

export interface EventInput {
  event: AlertEvent;
  runId?: string;
  nodeId?: string;
  tickId?: string;
  requestId?: string;
  reviewId?: string;
}

export interface EventFacts {
  kitchenId: string;
  /** Every Kitchen whose routes hear it, when more than one (a merge request: target and source). */
  kitchenIds?: string[];
  /** Events a route may hear this occurrence as, best first (recovered before succeeded). */
  candidates: AlertEvent[];
  /** Deduplicates deliveries: one per route and occurrence. */
  eventKey: string;
  runId: string | null;
  facts: Omit<AlertFacts, "event">;
}

export function runUrl(baseUrl: string, runId: string): string {
  return `${baseUrl.replace(/\/$/, "")}/runs/${runId}`;
}

export async function readEventFacts(db: Db, baseUrl: string, e: EventInput): Promise<EventFacts | null> {
  if (e.event === "schedule.missed") return e.tickId ? readTickFacts(db, baseUrl, e.tickId) : null;
  if (e.event.startsWith("merge_request.")) return e.requestId ? readRequestFacts(db, baseUrl, e) : null;
  if (!e.runId) return null;
  const run = await db.run.findUnique({
    where: { id: e.runId },
    select: {
      id: true, pipeline: true, status: true, trigger: true, kitchenId: true, createdAt: true, startedAt: true, finishedAt: true, error: true, compiled: true,
      kitchen: { select: { name: true, environment: { select: { name: true } } } },
    },
  });
  if (!run) return null;
  const base = {
    kitchen: run.kitchen.name,
    environment: run.kitchen.environment.name,
    pipeline: run.pipeline,
    runId: run.id,
    runStatus: run.status,
    trigger: run.trigger,
    url: runUrl(baseUrl, run.id),
  };
  const out = (candidates: AlertEvent[], extra: Partial<AlertFacts> = {}, key = `run:${run.id}:${e.event}`): EventFacts => ({
    kitchenId: run.kitchenId, candidates, eventKey: key, runId: run.id, facts: { ...base, ...extra },
  });
  switch (e.event) {
    case "run.started":
      return out(["run.started"]);
    case "run.failed": {
      const failed = await db.nodeRun.findMany({
        where: { runId: run.id, status: { in: ["failed", "timed_out"] } },
        select: { nodeId: true, error: true },
        orderBy: { finishedAt: "asc" },
      });
      return out(["run.failed"], { failedNodes: failed.map((n) => ({ node: n.nodeId, error: n.error })) });
    }
    case "run.succeeded":
    case "run.recovered": {
      const prev = await db.run.findFirst({
        where: { kitchenId: run.kitchenId, pipeline: run.pipeline, id: { not: run.id }, createdAt: { lt: run.createdAt }, status: { in: ["succeeded", "failed"] } },
        orderBy: { createdAt: "desc" },
        select: { status: true },
      });
      // One occurrence (the run settled), heard as recovered or succeeded: one delivery per route.
      return out(settledEvents("succeeded", prev?.status === "failed"), {}, `run:${run.id}:settled`);
    }
    case "test.warned":
    case "test.failed": {
      if (!e.nodeId) return null;
      const tests = await readTrippedTests(db, run.id, e.nodeId, e.event);
      if (tests.length === 0) return null;
      return out([e.event], { node: e.nodeId, tests }, `run:${run.id}:${e.event}:${e.nodeId}`);
    }
    case "merge_request.opened":
    case "merge_request.approved":
    case "merge_request.merged":
      return null;
    case "run.overdue": {
      const doc = (run.compiled ?? {}) as { limits?: { maxDurationMs?: number; stopOnOverrun?: boolean } };
      const started = run.startedAt ?? run.createdAt;
      const end = run.finishedAt ?? new Date();
      return out(["run.overdue"], {
        elapsedMs: end.getTime() - started.getTime(),
        maxDurationMs: doc.limits?.maxDurationMs,
        stopped: run.status === "cancelled" && doc.limits?.stopOnOverrun === true,
      });
    }
  }
}

/** The newest attempt's tripped tests of one node: warned, or failed/errored for test.failed. */
async function readTrippedTests(db: Db, runId: string, nodeId: string, event: "test.warned" | "test.failed"): Promise<TestFact[]> {
  const verdicts = event === "test.warned" ? ["warned"] : ["failed", "error"];
  const rows = await db.$queryRaw<{ node: string; test_name: string; value: number | null; lower_limit: number | null; upper_limit: number | null; verdict: string; level: string; message: string }[]>`
    SELECT node, test_name, value, lower_limit, upper_limit, verdict, level, message
    FROM test_results
    WHERE run_id = ${runId}::uuid AND node = ${nodeId} AND verdict = ANY(${verdicts}::text[]) AND level <> 'log'
      AND attempt = (SELECT max(attempt) FROM test_results WHERE run_id = ${runId}::uuid AND node = ${nodeId})
    ORDER BY test_name`;
  return rows.map((r) => ({
    node: r.node, name: r.test_name, value: r.value, lowerLimit: r.lower_limit, upperLimit: r.upper_limit, verdict: r.verdict, level: r.level, message: r.message,
  }));
}

async function readTickFacts(db: Db, baseUrl: string, tickId: string): Promise<EventFacts | null> {
  const tick = await db.scheduleTick.findUnique({
    where: { id: tickId },
    select: {
      id: true, tickAt: true, status: true, reason: true, runId: true,
      schedule: { select: { name: true, pipeline: true, cron: true, timezone: true, kitchenId: true, kitchen: { select: { name: true, environment: { select: { name: true } } } } } },
    },
  });
  if (!tick) return null;
  const s = tick.schedule;
  return {
    kitchenId: s.kitchenId,
    candidates: ["schedule.missed"],
    eventKey: `tick:${tick.id}`,
    runId: null,
    facts: {
      kitchen: s.kitchen.name,
      environment: s.kitchen.environment.name,
      pipeline: s.pipeline,
      schedule: { name: s.name, cron: s.cron, timezone: s.timezone, tickAt: tick.tickAt.toISOString(), reason: tick.reason ?? tick.status },
      url: tick.runId ? runUrl(baseUrl, tick.runId) : `${baseUrl.replace(/\/$/, "")}/kitchens/${s.kitchen.name}/schedules`,
    },
  };
}

/** A merge request event: heard by the routes of the target and of the source Kitchen. */
async function readRequestFacts(db: Db, baseUrl: string, e: EventInput): Promise<EventFacts | null> {
  const r = await db.mergeRequest.findUnique({
    where: { id: e.requestId },
    select: {
      id: true, number: true, title: true, sourceKitchenId: true, targetKitchenId: true, createdById: true, mergedById: true,
      source: { select: { name: true } },
      target: { select: { name: true, environment: { select: { name: true } } } },
    },
  });
  if (!r) return null;
  let actorId: string | null = e.event === "merge_request.opened" ? r.createdById : r.mergedById;
  if (e.event === "merge_request.approved") {
    const review = e.reviewId ? await db.mergeRequestReview.findUnique({ where: { id: e.reviewId }, select: { userId: true, requestId: true } }) : null;
    if (!review || review.requestId !== r.id) return null;
    actorId = review.userId;
  }
  const actor = actorId ? await db.user.findUnique({ where: { id: actorId }, select: { name: true } }) : null;
  return {
    kitchenId: r.targetKitchenId,
    kitchenIds: [r.targetKitchenId, r.sourceKitchenId],
    candidates: [e.event],
    eventKey: `request:${r.id}:${e.event}${e.reviewId ? `:${e.reviewId}` : ""}`,
    runId: null,
    facts: {
      kitchen: r.target.name,
      environment: r.target.environment.name,
      request: { number: r.number, title: r.title, source: r.source.name, target: r.target.name, actor: actor?.name ?? "someone" },
      url: `${baseUrl.replace(/\/$/, "")}/merge-requests/${r.id}`,
    },
  };
}

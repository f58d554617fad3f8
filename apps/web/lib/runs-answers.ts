// The runs API's answers, kept as JSON in this process until what they show changes. A Kitchen's
// runs list and a run's page are what many people (and their open tabs) ask for at once while a
// run goes: computing each answer once per change, not once per request, is what lets one web
// process serve them at 200 connections (bench api-load). Invalidation comes from the process's
// one LISTEN (lib/run-hub.ts):
//   - galley_kitchen_runs (migration kitchen_runs_notify): that Kitchen's list pages;
//   - galley_run_events: that run's page (its nodes, logs' sizes, tests);
//   - galley_kitchens (Kitchens, environments and users' names, which the answers show): all;
//   - a (re)connection or a lost connection: all; while not listening, nothing is cached;
//   - this process answered a mutation (lib/route.ts): all, so its own writes read back at once.
// Access is decided on every request before an answer is looked up; managers get the masked copy.
import type { AuthUser } from "@galley/auth";
import { AppError, createTtlCache } from "@galley/core";
import { config } from "./config";
import { db, logger } from "./deps";
import { findRunHead, getRunDetail, listRuns, ZRunListItem } from "./read-models/runs";
import { cachedJson, cachedJsonOf, json, type CachedJson } from "./responses";
import { KITCHEN_RUNS_CHANNEL, KITCHENS_CHANNEL, RUN_EVENTS_CHANNEL, runHub } from "./run-hub";
import { getKitchenForUserOrThrow, maySeeSecretNames, type RunKitchen } from "./runs-deps";
import type { TRunsQuery } from "./runs-schemas";
import { maskVaultNames } from "./vault-name-mask";
import { z } from "zod";

/** A backstop: a notification missed without the connection dropping stays wrong at most this long. */
const MAX_AGE_MS = 30_000;

const ZRunsPage = z.object({ runs: z.array(ZRunListItem), nextCursor: z.string().nullable() });

/** Only the bytes are kept (a run page can be large): managers' masked copy is made from them. */
interface CachedRun {
  kitchenId: string;
  /** The JSON as bytes: serialising, encoding and compressing it on every request was most of what a cached answer cost. */
  json: CachedJson;
}

const lists = createTtlCache<CachedJson>(MAX_AGE_MS, 500);
const runs = createTtlCache<CachedRun>(MAX_AGE_MS, 200);
let watching = false;

/** Forget every answer (this process wrote something; or the feed of changes was interrupted). */
export function runsAnswersChanged(): void {
  lists.clear();
  runs.clear();
}

function listening(): boolean {
  const hub = runHub(db(), config().DATABASE_URL, logger());
  if (!watching) {
    watching = true;
    hub.onChange(KITCHEN_RUNS_CHANNEL, (kitchenId) => (kitchenId ? lists.deleteWhere((k) => k.startsWith(`${kitchenId}|`)) : lists.clear()));
    hub.onChange(RUN_EVENTS_CHANNEL, (runId) => (runId ? runs.delete(runId) : runs.clear()));
    hub.onChange(KITCHENS_CHANNEL, runsAnswersChanged);
  }
  return hub.connected;
}


/** A page of the Kitchen's runs as GET /api/kitchens/:k/runs answers it (checked by its output schema once per change). */
export async function runsPageResponse(kitchen: RunKitchen, q: TRunsQuery): Promise<Response> {
  const compute = async () => cachedJsonOf(JSON.stringify(ZRunsPage.parse(await listRuns(db(), kitchen.id, q))));
  if (!listening()) return cachedJson(await compute());
  return cachedJson(await lists.get(`${kitchen.id}|${JSON.stringify([q.limit, q.before ?? null, q.pipeline ?? null, q.status ?? null])}`, compute));
}

async function loadRun(runId: string): Promise<CachedRun> {
  const head = await findRunHead(db(), runId);
  if (!head) throw new AppError("not_found", `run ${runId} does not exist`);
  const detail = await getRunDetail(db(), runId, head);
  return { kitchenId: head.kitchenId, json: cachedJsonOf(JSON.stringify(detail)) };
}

/** A run's page as GET /api/runs/:id answers it, if `user` may read its Kitchen's runs (404 for a run they may not know of). */
export async function runDetailResponse(runId: string, user: AuthUser): Promise<Response> {
  const run = listening() ? await runs.get(runId, () => loadRun(runId)) : await loadRun(runId);
  const kitchen = await getKitchenForUserOrThrow(db(), { id: run.kitchenId }, user, "read_runs").catch((e: unknown) => {
    // One message whether the run is unknown or in a Kitchen the person may not see.
    if (e instanceof AppError && e.code === "not_found") throw new AppError("not_found", `run ${runId} does not exist`);
    throw e;
  });
  if (maySeeSecretNames(user, kitchen)) return cachedJson(run.json);
  return json(maskVaultNames(JSON.parse(new TextDecoder().decode(run.json.bytes)) as unknown));
}

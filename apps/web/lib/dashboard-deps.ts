// Composition root of the managers' dashboard: which Kitchens a person may see on it (the access
// policy decides, per request, from one query), and the read models of @galley/dashboards behind
// a cache that lives until the numbers change.
import { kitchenAccess, type AuthUser } from "@galley/auth";
import { AppError } from "@galley/core";
import { createTtlCache, getControlChart, getDashboard, type ScopeKitchen, type TControlChart, type TDashboard, type TDashboardQuery } from "@galley/dashboards";
import type { Db } from "@galley/db";
import { config } from "./config";
import { db, logger } from "./deps";
import { kitchenDirectory } from "./kitchen-directory";
import { cachedJson, cachedJsonOf, type CachedJson } from "./responses";
import { runHub } from "./run-hub";
import { getKitchenForUserOrThrow } from "./runs-deps";

/**
 * A computed dashboard is kept until the rollups change (NOTIFY galley_dashboard, received on the
 * process's one LISTEN connection, the live run events' RunHub) and at most this long: "now" moves
 * the 7- and 30-day windows and the freshness, and a lost connection must not keep numbers forever.
 */
const DASHBOARD_MAX_AGE_MS = 30_000;

interface CachedDashboard {
  value: TDashboard;
  /** The JSON as bytes: serialising, encoding and compressing the answer on every request was a cost under load. */
  json: CachedJson;
}

/**
 * The key holds the exact scope (ids, names, environments) and the filters, so two people share
 * an entry only when they would see the same thing, and a renamed Kitchen is a new entry.
 */
const dashboards = createTtlCache<CachedDashboard>(DASHBOARD_MAX_AGE_MS);
let watching = false;

/** Drops every cached dashboard when the rollups change (and after the listener reconnects). */
function watchChanges(): void {
  if (watching) return;
  watching = true;
  runHub(db(), config().DATABASE_URL, logger()).onDashboardChange(() => dashboards.clear());
}

/** Live Kitchens whose runs `user` may read, as the dashboard's scope (from the process's Kitchen directory). */
export async function readableKitchens(_database: Db, user: AuthUser): Promise<ScopeKitchen[]> {
  const dir = await kitchenDirectory();
  return dir.all
    .filter((k) => kitchenAccess(user, { name: k.name, isPrivate: k.isPrivate, environmentKind: k.environmentKind, staff: k.staff }).canReadRuns)
    .map((k) => ({ id: k.id, name: k.name, environment: k.environment, environmentKind: k.environmentKind }));
}

async function computed(user: AuthUser, q: TDashboardQuery): Promise<CachedDashboard> {
  watchChanges();
  // The scope is decided on every request from the Kitchen directory, which is reloaded as soon
  // as a change's NOTIFY arrives (lib/kitchen-directory.ts): a Kitchen made private, or a person
  // taken off its staff, leaves the dashboard within milliseconds of the commit.
  const scope = await readableKitchens(db(), user);
  const key = JSON.stringify([scope.map((k) => [k.id, k.name, k.environment, k.environmentKind]), q]);
  return dashboards.get(key, async () => {
    const value = await getDashboard({ db: db() }, scope, q);
    return { value, json: cachedJsonOf(JSON.stringify(value)) };
  });
}

/** The dashboard `user` may see, narrowed by `q`. */
export async function dashboardFor(user: AuthUser, q: TDashboardQuery): Promise<TDashboard> {
  return (await computed(user, q)).value;
}

/** The same as a JSON response (gzipped once per answer); getDashboard parsed it through ZDashboard (the output schema) already. */
export async function dashboardResponseFor(user: AuthUser, q: TDashboardQuery): Promise<Response> {
  return cachedJson((await computed(user, q)).json);
}

/** A test's control chart, if `user` may read the Kitchen's runs; not_found when it has no results. */
export async function controlChartFor(user: AuthUser, p: { k: string; p: string; node: string; test: string }, limit: number): Promise<TControlChart> {
  const kitchen = await getKitchenForUserOrThrow(db(), { name: p.k }, user, "read_runs");
  const chart = await getControlChart({ db: db() }, { kitchenId: kitchen.id, kitchen: kitchen.name, pipeline: p.p, node: p.node, test: p.test }, limit);
  if (!chart.points.length) {
    throw new AppError("not_found", `test ${p.test} of node ${p.node} in pipeline ${p.p} has no results in Kitchen ${kitchen.name}`, { field: "test" });
  }
  return chart;
}

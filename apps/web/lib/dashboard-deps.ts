// Composition root of the managers' dashboard: which Kitchens a person may see on it (the access
// policy decides, per request), and the read models of @galley/dashboards behind a short cache.
import { kitchenAccess, type AuthUser } from "@galley/auth";
import { AppError } from "@galley/core";
import { createTtlCache, getControlChart, getDashboard, type ScopeKitchen, type TControlChart, type TDashboard, type TDashboardQuery } from "@galley/dashboards";
import type { Db } from "@galley/db";
import { db } from "./deps";
import { getKitchenForUserOrThrow } from "./runs-deps";

/**
 * Identical dashboards within this many milliseconds share one computation. The key holds the
 * exact set of Kitchens the requester may read, so two people share an entry only when they
 * would see the same thing.
 */
const DASHBOARD_TTL_MS = 5_000;
/** Kept serialised too: at 200 concurrent requests, re-serialising ~90 KB each time is the cost. */
const dashboards = createTtlCache<{ value: TDashboard; json: string }>(DASHBOARD_TTL_MS);

interface KitchenRow {
  id: string;
  name: string;
  isPrivate: boolean;
  environment: { name: string; kind: "development" | "production" };
  staff: { userId: string; isOwner: boolean }[];
}

/** Live Kitchens whose runs `user` may read, as the dashboard's scope. */
export async function readableKitchens(database: Db, user: AuthUser): Promise<ScopeKitchen[]> {
  const rows: KitchenRow[] = await database.kitchen.findMany({
    where: { deletedAt: null },
    select: { id: true, name: true, isPrivate: true, environment: { select: { name: true, kind: true } }, staff: { select: { userId: true, isOwner: true } } },
    orderBy: { name: "asc" },
  });
  return rows
    .filter((k) => kitchenAccess(user, { name: k.name, isPrivate: k.isPrivate, environmentKind: k.environment.kind, staff: k.staff }).canReadRuns)
    .map((k) => ({ id: k.id, name: k.name, environment: k.environment.name, environmentKind: k.environment.kind }));
}

async function computed(user: AuthUser, q: TDashboardQuery) {
  const scope = await readableKitchens(db(), user);
  const key = JSON.stringify([scope.map((k) => k.id), q]);
  return dashboards.get(key, async () => {
    const value = await getDashboard({ db: db() }, scope, q);
    return { value, json: JSON.stringify(value) };
  });
}

/** The dashboard `user` may see, narrowed by `q`. */
export async function dashboardFor(user: AuthUser, q: TDashboardQuery): Promise<TDashboard> {
  return (await computed(user, q)).value;
}

/** The same as a JSON response; getDashboard parsed it through ZDashboard (the output schema) already. */
export async function dashboardResponseFor(user: AuthUser, q: TDashboardQuery): Promise<Response> {
  const { json } = await computed(user, q);
  return new Response(json, { headers: { "content-type": "application/json", "cache-control": "no-store" } });
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

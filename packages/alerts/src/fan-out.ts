import { withTransaction, type Db } from "@galley/db";
import { writeOutbox } from "@galley/queue";
import { eventForRoute } from "./events";
import { readEventFacts, type EventInput } from "./facts";
import { buildMessage } from "./message";

export interface FanOutDeps {
  db: Db;
  baseUrl: string;
  dispatchNow?: () => void;
}

/**
 * The `alert.event` handler: one delivery per enabled route of the Kitchen that subscribes to the
 * event, each with its message frozen, and its `alert.deliver` job, in one transaction. The unique
 * (route, event key) makes a re-delivered event a no-op.
 */
export async function fanOutAlertEvent(deps: FanOutDeps, e: EventInput): Promise<{ deliveries: string[] }> {
  const f = await readEventFacts(deps.db, deps.baseUrl, e);
  if (!f) return { deliveries: [] };
  const routes = await deps.db.alertRoute.findMany({
    where: { kitchenId: { in: f.kitchenIds ?? [f.kitchenId] }, enabled: true, events: { hasSome: f.candidates } },
    select: { id: true, events: true, kitchenId: true },
  });
  if (routes.length === 0) return { deliveries: [] };
  const created = await withTransaction(deps.db, async (tx) => {
    const ids: string[] = [];
    for (const r of routes) {
      const event = eventForRoute(r.events, f.candidates);
      if (!event) continue;
      const message = buildMessage({ ...f.facts, event });
      const rows = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO alert_deliveries (route_id, kitchen_id, event, event_key, run_id, message)
        VALUES (${r.id}::uuid, ${r.kitchenId}::uuid, ${event}, ${f.eventKey}, ${f.runId}::uuid, ${JSON.stringify(message)}::jsonb)
        ON CONFLICT (route_id, event_key) DO NOTHING
        RETURNING id`;
      for (const row of rows) {
        await writeOutbox(tx, { jobName: "alert.deliver", payload: { deliveryId: row.id } });
        ids.push(row.id);
      }
    }
    return ids;
  });
  if (created.length) deps.dispatchNow?.();
  return { deliveries: created };
}

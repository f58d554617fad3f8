// Alert events and route input: pure, shared by the API, the forms and the worker.
import { ALERT_EVENTS } from "@galley/queue/catalogue";
import { z } from "zod";

// The catalogue of jobs owns the list (an alert.event job carries one); this module adds labels and defaults.
export { ALERT_EVENTS };

export type AlertEvent = (typeof ALERT_EVENTS)[number];

export const EVENT_LABELS: Record<AlertEvent, string> = {
  "run.started": "Run started",
  "run.succeeded": "Run succeeded",
  "run.failed": "Run failed",
  "run.recovered": "Run recovered (failed → succeeded)",
  "test.warned": "Test warned",
  "test.failed": "Test failed",
  "run.overdue": "Run over its time limit",
  "schedule.missed": "Schedule missed",
  "merge_request.opened": "Merge request opened",
  "merge_request.approved": "Merge request approved",
  "merge_request.merged": "Merge request merged",
};

/** What a new route listens to unless told otherwise: the things someone must act on. */
export const DEFAULT_EVENTS: AlertEvent[] = ["run.failed", "run.recovered", "test.warned", "test.failed", "run.overdue", "schedule.missed"];

export const ROUTE_KINDS = ["slack", "webhook", "email"] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

const ZRouteName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, "route names are 1-40 lowercase letters, digits, - or _, starting with a letter");

// Only http(s): a webhook URL is fetched by the worker, so other schemes (file:, data:) are refused.
const ZWebhookUrl = z
  .string()
  .trim()
  .max(2000, "the URL is longer than 2000 characters")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, "the webhook URL must be an http:// or https:// address");

const ZEmail = z.string().trim().email("not an email address");

const ZEvents = z.array(z.enum(ALERT_EVENTS, { message: `events are ${ALERT_EVENTS.join(", ")}` })).min(1, "choose at least one event").max(ALERT_EVENTS.length);

export const ZCreateAlertRouteInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("slack"), name: ZRouteName, url: ZWebhookUrl, events: ZEvents.default(DEFAULT_EVENTS) }).strict(),
  z.object({ kind: z.literal("webhook"), name: ZRouteName, url: ZWebhookUrl, events: ZEvents.default(DEFAULT_EVENTS) }).strict(),
  z.object({ kind: z.literal("email"), name: ZRouteName, to: z.array(ZEmail).min(1, "add at least one recipient").max(20), events: ZEvents.default(DEFAULT_EVENTS) }).strict(),
]);
export type TCreateAlertRouteInput = z.infer<typeof ZCreateAlertRouteInput>;

/** Edit: events and on/off; a new URL replaces the vault secret (it is never read back). */
export const ZUpdateAlertRouteInput = z
  .object({
    events: ZEvents.optional(),
    enabled: z.boolean().optional(),
    url: ZWebhookUrl.optional(),
    to: z.array(ZEmail).min(1).max(20).optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "nothing to change: send events, enabled, url or to");
export type TUpdateAlertRouteInput = z.infer<typeof ZUpdateAlertRouteInput>;

/** The run events a route hears for a run that settled with `status` (recovered only when the previous run failed). */
export function settledEvents(status: "succeeded" | "failed", previousFailed: boolean): AlertEvent[] {
  if (status === "failed") return ["run.failed"];
  return previousFailed ? ["run.recovered", "run.succeeded"] : ["run.succeeded"];
}

/**
 * Which event a route is told about, when one occurrence may be described by several (a recovered
 * run is also a succeeded one): the first in `candidates` it subscribes to, or null.
 */
export function eventForRoute(routeEvents: readonly string[], candidates: readonly AlertEvent[]): AlertEvent | null {
  return candidates.find((e) => routeEvents.includes(e)) ?? null;
}

/** The secret holding a route's webhook URL in its environment's vault. */
export function routeSecretName(routeId: string): string {
  return `ALERT_ROUTE_${routeId.replaceAll("-", "").toUpperCase()}`;
}

/** Vault names reserved for alert routes: never handed to nodes. */
export const ROUTE_SECRET_PREFIX = "ALERT_ROUTE_";

/** What may be shown of a webhook URL: its host. The path carries the token. */
export function urlHint(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/…`;
}

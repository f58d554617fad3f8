// Alert route use cases. Who may: read the routes = read the Kitchen; change them = write it
// (the Kitchen policy of @galley/kitchens). Webhook URLs go to the vault and are never returned.
import { randomUUID } from "node:crypto";
import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import { getKitchenForActorOrThrow, type KitchenActor } from "@galley/kitchens";
import { deleteSecret, setSecret, type Keyring } from "@galley/vault";
import { routeSecretName, urlHint, type TCreateAlertRouteInput, type TUpdateAlertRouteInput } from "./events";
import { literalEgressRefusal, type EgressPolicy } from "./egress";
import { buildMessage } from "./message";
import type { Sender } from "./senders";

export interface RoutesDeps {
  db: Db;
  keyring: Keyring;
  /** Email routes are refused with a clear message when this Galley has no SMTP server. */
  smtpConfigured: boolean;
  /** Addresses webhooks may reach (GALLEY_ALERT_ALLOW_HOSTS); default: no private or loopback one. */
  egress?: EgressPolicy;
}

function assertDeliverable(deps: Pick<RoutesDeps, "egress">, url: string): void {
  const why = literalEgressRefusal(deps.egress ?? { allow: [] }, url);
  if (why) throw new AppError("invalid_input", `the webhook URL points at ${why}`, { field: "url" });
}

export interface AlertRouteView {
  id: string;
  name: string;
  kind: string;
  /** The webhook's host (never its path, which is the credential) or the recipients. */
  target: string;
  events: string[];
  enabled: boolean;
  health: string;
  lastError: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
}

const ROUTE_SELECT = { id: true, name: true, kind: true, targetHint: true, events: true, enabled: true, health: true, lastError: true, lastAttemptAt: true, lastSuccessAt: true } as const;

type RouteRow = { id: string; name: string; kind: string; targetHint: string; events: string[]; enabled: boolean; health: string; lastError: string | null; lastAttemptAt: Date | null; lastSuccessAt: Date | null };

function view(r: RouteRow): AlertRouteView {
  return {
    id: r.id, name: r.name, kind: r.kind, target: r.targetHint, events: r.events, enabled: r.enabled, health: r.health, lastError: r.lastError,
    lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null, lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
  };
}

async function audit(db: Db, actorId: string, action: string, kitchenId: string, details: Record<string, string | string[] | boolean>, requestId?: string) {
  await db.auditLog.create({ data: { actorId, action, target: `kitchen:${kitchenId}`, details, requestId: requestId ?? null }, select: { id: true } });
}

export async function listAlertRoutes(deps: Pick<RoutesDeps, "db">, kitchen: string, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "read");
  const routes = await deps.db.alertRoute.findMany({ where: { kitchenId: k.id }, select: ROUTE_SELECT, orderBy: { name: "asc" } });
  const deliveries = await deps.db.alertDelivery.findMany({
    where: { kitchenId: k.id },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, routeId: true, event: true, status: true, attempts: true, lastError: true, createdAt: true, deliveredAt: true, runId: true, message: true },
  });
  return {
    routes: routes.map(view),
    deliveries: deliveries.map((d) => ({
      id: d.id, routeId: d.routeId, event: d.event, status: d.status, attempts: d.attempts, lastError: d.lastError, runId: d.runId,
      title: (d.message as { title?: string }).title ?? d.event,
      createdAt: d.createdAt.toISOString(), deliveredAt: d.deliveredAt?.toISOString() ?? null,
    })),
  };
}

export async function createAlertRoute(deps: RoutesDeps, kitchen: string, input: TCreateAlertRouteInput, actor: KitchenActor, opts: { requestId?: string } = {}): Promise<AlertRouteView> {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "write");
  if (input.kind === "email" && !deps.smtpConfigured) {
    throw new AppError("invalid_input", "email routes need an SMTP server: this Galley has no SMTP_URL configured", { field: "kind" });
  }
  if (input.kind !== "email") assertDeliverable(deps, input.url);
  if (await deps.db.alertRoute.findUnique({ where: { kitchenId_name: { kitchenId: k.id, name: input.name } }, select: { id: true } })) {
    throw new AppError("conflict", `Kitchen ${k.name} already has an alert route named ${input.name}`, { field: "name" });
  }
  const id = randomUUID();
  const secretName = input.kind === "email" ? null : routeSecretName(id);
  // The secret first: a route row never points at a secret that is not there.
  if (secretName && input.kind !== "email") {
    await setSecret({ db: deps.db, keyring: deps.keyring }, { environmentId: k.environmentId, name: secretName, value: input.url, actorId: actor.id, requestId: opts.requestId });
  }
  try {
    const row = await deps.db.alertRoute.create({
      data: {
        id, kitchenId: k.id, name: input.name, kind: input.kind, secretName,
        targetHint: input.kind === "email" ? input.to.join(", ") : urlHint(input.url),
        emailTo: input.kind === "email" ? input.to : [],
        events: input.events, createdById: actor.id,
      },
      select: ROUTE_SELECT,
    });
    await audit(deps.db, actor.id, "alert_route.create", k.id, { kitchen: k.name, route: input.name, kind: input.kind, events: input.events }, opts.requestId);
    return view(row);
  } catch (e) {
    if (secretName) await deleteSecret({ db: deps.db }, { environmentId: k.environmentId, name: secretName, actorId: actor.id }).catch(() => {});
    if ((e as { code?: string }).code === "P2002") throw new AppError("conflict", `Kitchen ${k.name} already has an alert route named ${input.name}`, { field: "name" });
    throw e;
  }
}

async function routeOrThrow(db: Db, kitchenId: string, kitchen: string, id: string) {
  const r = /^[0-9a-f-]{36}$/i.test(id) ? await db.alertRoute.findFirst({ where: { id, kitchenId }, select: { ...ROUTE_SELECT, secretName: true, emailTo: true } }) : null;
  if (!r) throw new AppError("not_found", `Kitchen ${kitchen} has no such alert route`, { field: "route" });
  return r;
}

export async function updateAlertRoute(deps: RoutesDeps, kitchen: string, routeId: string, input: TUpdateAlertRouteInput, actor: KitchenActor, opts: { requestId?: string } = {}): Promise<AlertRouteView> {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "write");
  const r = await routeOrThrow(deps.db, k.id, k.name, routeId);
  if (input.url !== undefined && !r.secretName) throw new AppError("invalid_input", "an email route has recipients, not a URL", { field: "url" });
  if (input.to !== undefined && r.kind !== "email") throw new AppError("invalid_input", "a webhook route has a URL, not recipients", { field: "to" });
  if (input.url !== undefined && r.secretName) {
    assertDeliverable(deps, input.url);
    await setSecret({ db: deps.db, keyring: deps.keyring }, { environmentId: k.environmentId, name: r.secretName, value: input.url, actorId: actor.id, requestId: opts.requestId });
  }
  const row = await deps.db.alertRoute.update({
    where: { id: r.id },
    data: {
      ...(input.events ? { events: input.events } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.url !== undefined ? { targetHint: urlHint(input.url), health: "unknown", lastError: null } : {}),
      ...(input.to !== undefined ? { emailTo: input.to, targetHint: input.to.join(", "), health: "unknown", lastError: null } : {}),
      updatedAt: new Date(),
    },
    select: ROUTE_SELECT,
  });
  await audit(deps.db, actor.id, "alert_route.update", k.id, { kitchen: k.name, route: r.name, changed: Object.keys(input) }, opts.requestId);
  return view(row);
}

export async function deleteAlertRoute(deps: RoutesDeps, kitchen: string, routeId: string, actor: KitchenActor, opts: { requestId?: string } = {}): Promise<void> {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "write");
  const r = await routeOrThrow(deps.db, k.id, k.name, routeId);
  await deps.db.alertRoute.delete({ where: { id: r.id } });
  if (r.secretName) await deleteSecret({ db: deps.db }, { environmentId: k.environmentId, name: r.secretName, actorId: actor.id, requestId: opts.requestId }).catch(() => {});
  await audit(deps.db, actor.id, "alert_route.delete", k.id, { kitchen: k.name, route: r.name }, opts.requestId);
}

/**
 * Sends a test message now and answers with the outcome, so a wrong URL, a timeout or an HTTP 500
 * shows where the route was made. The route's health follows, as for a real delivery.
 */
export async function testAlertRoute(
  deps: RoutesDeps & { send: Sender; readSecret(environmentId: string, name: string, purpose: string): Promise<string>; baseUrl: string },
  kitchen: string,
  routeId: string,
  actor: KitchenActor,
): Promise<{ ok: boolean; error: string | null; statusCode: number | null; ms: number }> {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "write");
  const r = await routeOrThrow(deps.db, k.id, k.name, routeId);
  const url = r.secretName ? await deps.readSecret(k.environmentId, r.secretName, `alert-route-test:${r.id}`) : undefined;
  const message = buildMessage({ event: "run.succeeded", kitchen: k.name, environment: k.environment.name, url: `${deps.baseUrl.replace(/\/$/, "")}/kitchens/${k.name}/settings` });
  message.title = `🔔 Test alert from Galley for Kitchen ${k.name} (route ${r.name})`;
  message.text = `If you can read this, route ${r.name} works.`;
  const res = await deps.send({ kind: r.kind as "slack" | "webhook" | "email", url, to: r.emailTo }, message);
  const now = new Date();
  await deps.db.alertRoute.update({
    where: { id: r.id },
    data: res.ok ? { health: "ok", lastError: null, lastAttemptAt: now, lastSuccessAt: now } : { health: "failing", lastError: res.error ?? "failed", lastAttemptAt: now },
  });
  return { ok: res.ok, error: res.error ?? null, statusCode: res.statusCode ?? null, ms: res.ms };
}

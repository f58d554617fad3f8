import { createLogger, type Logger } from "@galley/core";
import type { Db } from "@galley/db";
import type { AlertMessage } from "./message";
import type { RouteKind } from "./events";
import type { Sender, SendResult } from "./senders";

export interface DeliverDeps {
  db: Db;
  send: Sender;
  /** The route's webhook URL from its environment's vault (audited). */
  readSecret(environmentId: string, name: string, purpose: string): Promise<string>;
  logger?: Logger;
}

export interface DeliverResult {
  status: "delivered" | "retrying" | "failed" | "skipped";
  error?: string;
}

/** Raised to make the queue retry with its backoff; the attempt is already recorded. */
export class DeliveryRetry extends Error {}

/**
 * The `alert.deliver` handler: one attempt at sending one delivery. Every attempt is recorded with
 * its outcome; the route's health follows the last attempt, so a broken route shows in its
 * Kitchen's settings. A failure before the last attempt throws DeliveryRetry (the queue retries with
 * backoff); the last one marks the delivery failed. Nothing here touches runs: a broken route can
 * never break one.
 */
export async function deliverAlert(deps: DeliverDeps, q: { deliveryId: string; attempt: number; maxAttempts: number }): Promise<DeliverResult> {
  const log = (deps.logger ?? createLogger()).child({ deliveryId: q.deliveryId });
  const d = await deps.db.alertDelivery.findUnique({
    where: { id: q.deliveryId },
    select: {
      status: true, message: true,
      route: { select: { id: true, kind: true, secretName: true, emailTo: true, enabled: true, kitchen: { select: { environmentId: true } } } },
    },
  });
  if (!d || d.status !== "pending") return { status: "skipped" };
  if (!d.route.enabled) {
    await deps.db.alertDelivery.update({ where: { id: q.deliveryId }, data: { status: "failed", lastError: "the route was switched off before delivery" } });
    return { status: "skipped" };
  }
  let result: SendResult;
  const started = performance.now();
  try {
    const url = d.route.secretName ? await deps.readSecret(d.route.kitchen.environmentId, d.route.secretName, `alert-delivery:${q.deliveryId}`) : undefined;
    result = await deps.send({ kind: d.route.kind as RouteKind, url, to: d.route.emailTo }, d.message as unknown as AlertMessage);
  } catch (e) {
    result = { ok: false, error: (e as Error).message, ms: Math.round(performance.now() - started) };
  }
  const now = new Date();
  const last = result.ok || q.attempt >= q.maxAttempts;
  await deps.db.$transaction([
    deps.db.alertAttempt.create({
      data: { deliveryId: q.deliveryId, attempt: q.attempt, ok: result.ok, statusCode: result.statusCode ?? null, error: result.error ?? null, ms: result.ms },
    }),
    deps.db.alertDelivery.update({
      where: { id: q.deliveryId },
      data: {
        attempts: q.attempt,
        lastError: result.ok ? null : (result.error ?? "failed"),
        ...(result.ok ? { status: "delivered", deliveredAt: now } : last ? { status: "failed" } : {}),
      },
    }),
    deps.db.alertRoute.update({
      where: { id: d.route.id },
      data: result.ok
        ? { health: "ok", lastError: null, lastAttemptAt: now, lastSuccessAt: now }
        : { health: "failing", lastError: result.error ?? "failed", lastAttemptAt: now },
    }),
  ]);
  if (result.ok) return { status: "delivered" };
  log.warn("alert delivery failed", { attempt: q.attempt, of: q.maxAttempts, error: result.error });
  if (!last) throw new DeliveryRetry(result.error ?? "delivery failed");
  return { status: "failed", error: result.error };
}

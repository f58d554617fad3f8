// Composition root of alert routes and schedules on the web side.
import { createSender, egressPolicy, type RoutesDeps } from "@galley/alerts";
import { resolveSecret } from "@galley/vault";
import { config } from "./config";
import { db } from "./deps";
import { kitchensDeps } from "./kitchens-deps";
import { vaultDeps } from "./vault-deps";

export function alertRoutesDeps(): RoutesDeps {
  return { db: db(), keyring: vaultDeps().keyring, smtpConfigured: !!config().SMTP_URL, egress: egressPolicy(config().GALLEY_ALERT_ALLOW_HOSTS) };
}

/** For "send a test message": the worker's sender, called in the request so the answer shows at once. */
export function alertTestDeps() {
  const c = config();
  return {
    ...alertRoutesDeps(),
    baseUrl: c.GALLEY_BASE_URL,
    send: createSender({ timeoutMs: c.ALERT_TIMEOUT_MS, smtpUrl: c.SMTP_URL, emailFrom: c.ALERT_EMAIL_FROM, egress: egressPolicy(c.GALLEY_ALERT_ALLOW_HOSTS) }),
    readSecret: (environmentId: string, name: string, purpose: string) => resolveSecret(vaultDeps(), { environmentId, name, purpose }),
  };
}

export async function schedulesDeps() {
  const k = await kitchensDeps();
  return { db: k.db, git: k.git };
}

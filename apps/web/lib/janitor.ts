// The web process runs the janitor too (at start, then every 10 s), so an operation its own
// crash interrupted is finished or undone even when no worker runs. One leader at a time.
import { tryLeadership } from "@galley/db";
import { JANITOR_LOCK, startJanitor } from "@galley/kitchens";
import { config } from "./config";
import { logger } from "./deps";
import { kitchensDeps } from "./kitchens-deps";

const state = ((globalThis as { __galleyJanitor?: { started?: boolean } }).__galleyJanitor ??= {});

export function startWebJanitor(retryMs = 10_000): void {
  if (state.started) return;
  state.started = true;
  const attempt = () =>
    kitchensDeps().then(
      (deps) => startJanitor({ ...deps, logger: logger() }, { leader: () => tryLeadership(config().DATABASE_URL, JANITOR_LOCK) }),
      // The analytics repository may not exist yet (first start before the seed): try again.
      (e) => {
        logger().warn("janitor not started yet", { reason: (e as Error).message });
        setTimeout(attempt, retryMs).unref();
      },
    );
  void attempt();
}

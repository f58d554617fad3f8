import { config } from "../../../../../lib/config";
import { db, logger } from "../../../../../lib/deps";
import { route } from "../../../../../lib/route";
import { runEventStream, SSE_HEADERS } from "../../../../../lib/run-events";
import { runHub } from "../../../../../lib/run-hub";
import { getRunForUserOrThrow } from "../../../../../lib/runs-deps";
import { ZRunParams } from "../../../../../lib/runs-schemas";

export const dynamic = "force-dynamic";

/** Server-Sent Events: `snapshot`, then `node`, `log` and `run` as they change, `end` once the run settled. */
export const GET = route({ auth: "user", params: ZRunParams }, async ({ user, params, req }) => {
  await getRunForUserOrThrow(db(), params.id, user, "read_runs");
  return new Response(runEventStream(runHub(db(), config().DATABASE_URL, logger()), params.id, req.signal), { headers: SSE_HEADERS });
});

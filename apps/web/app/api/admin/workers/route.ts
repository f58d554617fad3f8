import { listWorkers, ZWorkersView } from "@galley/workers";
import { WORKER_STALE_MS } from "../../../../lib/health";
import { route } from "../../../../lib/route";
import { assertManageWorkers, workersDeps } from "../../../../lib/workers-deps";

// Every worker, credential (hint only, never hash or keys) and pool, for admins.
export const GET = route({ auth: "user", output: ZWorkersView }, async ({ user }) => {
  assertManageWorkers(user);
  return listWorkers(workersDeps().db, WORKER_STALE_MS);
});

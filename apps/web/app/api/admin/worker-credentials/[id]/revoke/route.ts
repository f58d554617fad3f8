import { z } from "zod";
import { revokeWorkerCredential } from "@galley/workers";
import { route } from "../../../../../../lib/route";
import { assertManageWorkers, workersDeps } from "../../../../../../lib/workers-deps";

export const POST = route(
  {
    auth: "user",
    params: z.object({ id: z.string() }),
    output: z.object({ id: z.string(), pool: z.string(), alreadyRevoked: z.boolean(), workers: z.number() }),
  },
  async ({ user, params, requestId }) => {
    assertManageWorkers(user);
    return revokeWorkerCredential(workersDeps(), { credentialId: params.id, actorId: user.id, requestId });
  },
);

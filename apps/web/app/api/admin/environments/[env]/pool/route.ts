import { z } from "zod";
import { moveEnvironmentToPool, ZPoolName } from "@galley/workers";
import { route } from "../../../../../../lib/route";
import { assertManageWorkers, workersDeps } from "../../../../../../lib/workers-deps";

export const ZMoveEnvironmentInput = z.object({ pool: ZPoolName });

// Moves an environment's nodes to another pool, re-wrapping its secrets with that pool's key
// (the use case `pnpm galley set-pool` calls).
export const PUT = route(
  { auth: "user", params: z.object({ env: z.string() }), body: ZMoveEnvironmentInput, output: z.object({ environment: z.string(), pool: z.string(), rewrapped: z.number() }) },
  async ({ user, params, body, requestId }) => {
    assertManageWorkers(user);
    return moveEnvironmentToPool(workersDeps(), { environment: params.env, pool: body.pool, actorId: user.id, requestId });
  },
);

import { z } from "zod";
import { setPoolCapacity, ZSetPoolCapacityInput } from "@galley/workers";
import { route } from "../../../../../lib/route";
import { assertManageWorkers, workersDeps } from "../../../../../lib/workers-deps";

// The pool's capacity: at most maxRunning nodes at once across its workers (null: no limit).
export const PUT = route(
  { auth: "user", params: z.object({ pool: z.string() }), body: ZSetPoolCapacityInput, output: z.object({ pool: z.string(), maxRunning: z.number().nullable() }) },
  async ({ user, params, body, requestId }) => {
    assertManageWorkers(user);
    return setPoolCapacity(workersDeps(), { pool: params.pool, maxRunning: body.maxRunning, actorId: user.id, requestId });
  },
);

import { startRun } from "@galley/runs";
import { db } from "../../../../../../../lib/deps";
import { json } from "../../../../../../../lib/responses";
import { route } from "../../../../../../../lib/route";
import { getKitchenForUserOrThrow, startRunDeps } from "../../../../../../../lib/runs-deps";
import { ZPipelineParams, ZStartRunInput } from "../../../../../../../lib/runs-schemas";

/**
 * Starts a run from the head of the Kitchen's branch. An invalid pipeline answers 422 with the
 * first error's file:line in the message and every error in `details`.
 */
export const POST = route({ auth: "user", params: ZPipelineParams, body: ZStartRunInput }, async ({ user, params, body, req }) => {
  const kitchen = await getKitchenForUserOrThrow(db(), { name: params.k }, user, "run");
  const key = body.idempotencyKey ?? req.headers.get("idempotency-key")?.trim().slice(0, 200) ?? null;
  const result = await startRun(await startRunDeps(), {
    kitchenId: kitchen.id,
    pipeline: params.p,
    parameters: body.parameters,
    selection: body.selection,
    trigger: "manual",
    triggeredById: user.id,
    // Keys are per person and Kitchen, so nobody can fish for another person's run with a guessed key.
    idempotencyKey: key ? `${user.id}:${kitchen.id}:${key}` : null,
  });
  const run = await db().run.findUniqueOrThrow({ where: { id: result.runId }, select: { id: true, status: true } });
  return json({ run }, { status: result.created ? 201 : 200 });
});

import { cancelRun } from "@galley/runs";
import { z } from "zod";
import { db } from "../../../../../lib/deps";
import { getRunDetail, ZRunSummary } from "../../../../../lib/read-models/runs";
import { route } from "../../../../../lib/route";
import { getRunForUserOrThrow } from "../../../../../lib/runs-deps";
import { ZRunParams } from "../../../../../lib/runs-schemas";

/** Queued nodes stop at once; running ones within a couple of seconds (they see it on lease renewal). */
export const POST = route({ auth: "user", params: ZRunParams, output: z.object({ run: ZRunSummary, cancelledNodes: z.number(), running: z.number() }) }, async ({ user, params }) => {
  await getRunForUserOrThrow(db(), params.id, user, "run");
  const result = await cancelRun(db(), params.id);
  const { run } = await getRunDetail(db(), params.id);
  return { run, ...result };
});

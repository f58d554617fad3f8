import { z } from "zod";
import { db } from "../../../../../../lib/deps";
import { getPipelineDetail } from "../../../../../../lib/read-models/pipelines";
import { route } from "../../../../../../lib/route";
import { getKitchenForUserOrThrow, maskUnlessAllowed } from "../../../../../../lib/runs-deps";
import { ZPipelineParams } from "../../../../../../lib/runs-schemas";
import { ZLayout, ZParameters, ZPipelineError } from "../../../../../../lib/runs-outputs";

const ZOutput = z.object({
  // The parsed definition holds templates, never secret values (only the worker renders those).
  pipeline: z.unknown(),
  layout: ZLayout.nullable(),
  parameters: ZParameters,
  errors: z.array(ZPipelineError),
  head: z.string(),
});

export const GET = route({ auth: "user", params: ZPipelineParams, output: ZOutput }, async ({ user, params }) => {
  const kitchen = await getKitchenForUserOrThrow(db(), { name: params.k }, user, "read_runs");
  return maskUnlessAllowed(user, kitchen, await getPipelineDetail(db(), kitchen, params.p));
});

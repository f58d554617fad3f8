import { z } from "zod";
import { db } from "../../../../../lib/deps";
import { listPipelines } from "../../../../../lib/read-models/pipelines";
import { route } from "../../../../../lib/route";
import { getKitchenForUserOrThrow, maskUnlessAllowed } from "../../../../../lib/runs-deps";
import { ZKitchenParams } from "../../../../../lib/runs-schemas";
import { ZPipelineError } from "../../../../../lib/runs-outputs";

const ZOutput = z.object({
  pipelines: z.array(z.object({
    name: z.string(),
    description: z.string(),
    nodes: z.number(),
    errors: z.array(ZPipelineError),
    lastRun: z.object({ id: z.string(), status: z.string(), createdAt: z.date() }).nullable(),
  })),
  errors: z.array(ZPipelineError),
  head: z.string(),
});

export const GET = route({ auth: "user", params: ZKitchenParams, output: ZOutput }, async ({ user, params }) => {
  const kitchen = await getKitchenForUserOrThrow(db(), { name: params.k }, user, "read_runs");
  return maskUnlessAllowed(user, kitchen, await listPipelines(db(), kitchen));
});

import { previewMerge, ZMergePreviewInput } from "@galley/kitchens";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../../lib/kitchens-deps";
import { route } from "../../../../../../lib/route";

const ZOutput = z.object({
  source: z.string(),
  target: z.string(),
  upToDate: z.boolean(),
  fastForward: z.boolean(),
  files: z.array(z.object({ path: z.string(), status: z.string() })),
  conflicts: z.array(z.object({ path: z.string() })),
  diff: z.array(z.object({ path: z.string(), patch: z.string(), truncated: z.boolean().optional() })),
});

export const POST = route({ auth: "user", params: ZKitchenParams, body: ZMergePreviewInput, output: ZOutput }, async ({ user, params, body }) =>
  previewMerge(await kitchensDeps(), { kitchen: params.k, direction: body.direction }, user),
);

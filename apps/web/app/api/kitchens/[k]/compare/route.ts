import { compareWithParent } from "@galley/kitchens";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

const ZOutput = z.object({
  parent: z.string(),
  ahead: z.number(),
  behind: z.number(),
  mergeBase: z.string().nullable(),
  files: z.array(z.object({ path: z.string(), status: z.string() })),
  diff: z.array(z.object({ path: z.string(), patch: z.string(), truncated: z.boolean().optional() })),
});

export const GET = route({ auth: "user", params: ZKitchenParams, output: ZOutput }, async ({ user, params }) =>
  compareWithParent(await kitchensDeps(), params.k, user),
);

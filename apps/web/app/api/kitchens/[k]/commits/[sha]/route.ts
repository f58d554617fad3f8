import { getKitchenCommit, ZSha } from "@galley/kitchens";
import { z } from "zod";
import { kitchensDeps } from "../../../../../../lib/kitchens-deps";
import { route } from "../../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100), sha: ZSha });
const ZOutput = z.object({
  commit: z.object({ sha: z.string(), parents: z.array(z.string()), author: z.string(), email: z.string(), date: z.string(), message: z.string() }),
  files: z.array(z.object({ path: z.string(), status: z.string(), patch: z.string(), truncated: z.boolean().optional() })),
});

export const GET = route({ auth: "user", params: ZParams, output: ZOutput }, async ({ user, params }) =>
  getKitchenCommit(await kitchensDeps(), { kitchen: params.k, sha: params.sha }, user),
);

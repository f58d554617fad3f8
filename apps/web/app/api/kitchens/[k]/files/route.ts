import { listKitchenFiles } from "@galley/kitchens";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

const ZOutput = z.object({ head: z.string(), files: z.array(z.object({ path: z.string(), size: z.number(), isSymlink: z.boolean().optional() })) });

export const GET = route({ auth: "user", params: ZKitchenParams, output: ZOutput }, async ({ user, params }) =>
  listKitchenFiles(await kitchensDeps(), params.k, user),
);

import { revertKitchenCommit, ZRevertInput } from "@galley/kitchens";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZKitchenParams, body: ZRevertInput, output: z.object({ commit: z.string() }) }, async ({ user, params, body, requestId }) =>
  revertKitchenCommit(await kitchensDeps(), { kitchen: params.k, ...body }, user, { requestId }),
);

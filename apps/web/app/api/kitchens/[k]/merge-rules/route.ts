import { setMergeRules, ZMergeRules } from "@galley/kitchens";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

export const PUT = route({ auth: "user", params: ZKitchenParams, body: ZMergeRules, output: z.object({ rules: ZMergeRules }) }, async ({ user, params, body, requestId }) => ({
  rules: await setMergeRules(await kitchensDeps(), { kitchen: params.k, rules: body }, user, { requestId }),
}));

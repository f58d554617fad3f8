import { mergeKitchen, ZMergeInput } from "@galley/kitchens";
import { ZKitchenParams, ZMergeOutcome } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZKitchenParams, body: ZMergeInput, output: ZMergeOutcome }, async ({ user, params, body, requestId }) =>
  mergeKitchen(await kitchensDeps(), { kitchen: params.k, direction: body.direction, message: body.message }, user, { requestId }),
);

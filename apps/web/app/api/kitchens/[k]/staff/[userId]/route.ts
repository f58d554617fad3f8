import { removeKitchenStaff } from "@galley/kitchens";
import { z } from "zod";
import { kitchensDbDeps } from "../../../../../../lib/kitchens-deps";
import { route } from "../../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100), userId: z.uuid("not a user id") });

export const DELETE = route({ auth: "user", params: ZParams }, async ({ user, params, requestId }) => {
  await removeKitchenStaff(kitchensDbDeps(), { kitchen: params.k, userId: params.userId }, user, { requestId });
});

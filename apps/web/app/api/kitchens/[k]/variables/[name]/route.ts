import { deleteKitchenVariable, setKitchenVariable, ZSetVariableInput } from "@galley/kitchens";
import { z } from "zod";
import { kitchensDbDeps } from "../../../../../../lib/kitchens-deps";
import { route } from "../../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100), name: z.string().max(100) });

export const PUT = route({ auth: "user", params: ZParams, body: ZSetVariableInput }, async ({ user, params, body, requestId }) => ({
  variable: await setKitchenVariable(kitchensDbDeps(), { kitchen: params.k, name: params.name, value: body.value }, user, { requestId }),
}));

export const DELETE = route({ auth: "user", params: ZParams }, async ({ user, params, requestId }) => {
  await deleteKitchenVariable(kitchensDbDeps(), { kitchen: params.k, name: params.name }, user, { requestId });
});

import { deleteKitchen, getKitchenDetail, updateKitchen, ZDeleteKitchenInput, ZPatchKitchenInput } from "@galley/kitchens";
import { ZKitchenDetailOutput, ZKitchenParams } from "../../../../lib/kitchens-api";
import { kitchensDbDeps, kitchensDeps } from "../../../../lib/kitchens-deps";
import { route } from "../../../../lib/route";

export const GET = route({ auth: "user", params: ZKitchenParams, output: ZKitchenDetailOutput }, async ({ user, params }) =>
  getKitchenDetail(kitchensDbDeps(), params.k, user),
);

export const PATCH = route({ auth: "user", params: ZKitchenParams, body: ZPatchKitchenInput, output: ZKitchenDetailOutput }, async ({ user, params, body, requestId }) => {
  await updateKitchen(kitchensDbDeps(), { kitchen: params.k, ...body }, user, { requestId });
  return getKitchenDetail(kitchensDbDeps(), params.k, user);
});

export const DELETE = route({ auth: "user", params: ZKitchenParams, body: ZDeleteKitchenInput }, async ({ user, params, body, requestId }) => {
  await deleteKitchen(await kitchensDeps(), { name: params.k, confirm: body.confirm }, user, { requestId });
});

import { addKitchenStaff, ZAddStaffInput } from "@galley/kitchens";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { kitchensDbDeps } from "../../../../../lib/kitchens-deps";
import { json } from "../../../../../lib/responses";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZKitchenParams, body: ZAddStaffInput }, async ({ user, params, body, requestId }) => {
  const out = await addKitchenStaff(kitchensDbDeps(), { kitchen: params.k, email: body.email }, user, { requestId });
  return json({ staff: out.staff }, { status: out.added ? 201 : 200 });
});

import { createKitchen, ZCreateKitchenInput } from "@galley/kitchens";
import { z } from "zod";
import { db } from "../../../lib/deps";
import { ZCreateKitchenOutput } from "../../../lib/kitchens-api";
import { kitchensDeps } from "../../../lib/kitchens-deps";
import { listKitchensForUser, ZKitchenRow } from "../../../lib/read-models/kitchens";
import { json } from "../../../lib/responses";
import { route } from "../../../lib/route";

export const GET = route({ auth: "user", output: z.object({ kitchens: z.array(ZKitchenRow) }) }, async ({ user }) => ({
  kitchens: await listKitchensForUser(db(), user),
}));

export const POST = route({ auth: "user", body: ZCreateKitchenInput }, async ({ user, body, requestId }) => {
  const created = await createKitchen(await kitchensDeps(), body, user, { requestId });
  return json(ZCreateKitchenOutput.parse(created), { status: 201 });
});

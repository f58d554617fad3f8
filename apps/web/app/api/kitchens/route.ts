import { z } from "zod";
import { db } from "../../../lib/deps";
import { listKitchensForUser, ZKitchenRow } from "../../../lib/read-models/kitchens";
import { route } from "../../../lib/route";

export const GET = route({ auth: "user", output: z.object({ kitchens: z.array(ZKitchenRow) }) }, async ({ user }) => ({
  kitchens: await listKitchensForUser(db(), user),
}));

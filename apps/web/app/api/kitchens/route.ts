import { createKitchen, ZCreateKitchenInput } from "@galley/kitchens";
import { z } from "zod";
import { db } from "../../../lib/deps";
import { ZCreateKitchenOutput } from "../../../lib/kitchens-api";
import { kitchensDeps } from "../../../lib/kitchens-deps";
import { listKitchensPageForUser, ZKitchenRow } from "../../../lib/read-models/kitchens";
import { json } from "../../../lib/responses";
import { route } from "../../../lib/route";

/** Keyset pages by name: `after` is the previous page's nextCursor (the last name it held). */
const ZKitchensQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
  after: z.string().min(1).max(64).optional(),
});

export const GET = route(
  { auth: "user", query: ZKitchensQuery, output: z.object({ kitchens: z.array(ZKitchenRow), nextCursor: z.string().nullable() }) },
  async ({ user, query }) => listKitchensPageForUser(db(), user, query),
);

export const POST = route({ auth: "user", body: ZCreateKitchenInput }, async ({ user, body, requestId }) => {
  const created = await createKitchen(await kitchensDeps(), body, user, { requestId });
  return json(ZCreateKitchenOutput.parse(created), { status: 201 });
});

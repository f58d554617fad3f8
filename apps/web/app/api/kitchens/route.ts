import { createKitchen, ZCreateKitchenInput } from "@galley/kitchens";
import { z } from "zod";
import { ZCreateKitchenOutput } from "../../../lib/kitchens-api";
import { kitchensDeps } from "../../../lib/kitchens-deps";
import { kitchensPageJson } from "../../../lib/read-models/kitchens";
import { cachedJson, json } from "../../../lib/responses";
import { route } from "../../../lib/route";

/**
 * Keyset pages by name: `after` is the previous page's nextCursor (the last name it held). 100 a
 * page unless asked (as GitHub's API pages): a page of 200 Kitchens with their staff was 130 KB.
 */
const ZKitchensQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.string().min(1).max(64).optional(),
});

/** No `output` here: each row was parsed through ZKitchenRow when its JSON was made (read-models/kitchens.ts). */
export const GET = route({ auth: "user", query: ZKitchensQuery }, async ({ user, query }) =>
  cachedJson(await kitchensPageJson(user, query)),
);

export const POST = route({ auth: "user", body: ZCreateKitchenInput }, async ({ user, body, requestId }) => {
  const created = await createKitchen(await kitchensDeps(), body, user, { requestId });
  return json(ZCreateKitchenOutput.parse(created), { status: 201 });
});

import { listKitchenTables } from "@galley/kitchens";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

const ZOutput = z.object({
  schema: z.string(),
  tables: z.array(z.object({ name: z.string(), kind: z.enum(["table", "view"]), rows: z.number().optional(), viewOf: z.string().optional() })),
});

export const GET = route({ auth: "user", params: ZKitchenParams, output: ZOutput }, async ({ user, params }) =>
  listKitchenTables(await kitchensDeps(), params.k, user),
);

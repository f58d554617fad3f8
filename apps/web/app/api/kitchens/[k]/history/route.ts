import { kitchenHistory, ZHistoryQuery } from "@galley/kitchens";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

const ZOutput = z.object({
  commits: z.array(z.object({ sha: z.string(), parents: z.array(z.string()), author: z.string(), email: z.string(), date: z.string(), message: z.string() })),
});

export const GET = route({ auth: "user", params: ZKitchenParams, query: ZHistoryQuery, output: ZOutput }, async ({ user, params, query }) =>
  kitchenHistory(await kitchensDeps(), { kitchen: params.k, limit: query.limit, path: query.path }, user),
);

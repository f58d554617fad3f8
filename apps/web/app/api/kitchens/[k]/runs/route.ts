import { z } from "zod";
import { db } from "../../../../../lib/deps";
import { listRuns, ZRunListItem } from "../../../../../lib/read-models/runs";
import { route } from "../../../../../lib/route";
import { getKitchenForUserOrThrow } from "../../../../../lib/runs-deps";
import { ZKitchenParams, ZRunsQuery } from "../../../../../lib/runs-schemas";

export const GET = route(
  { auth: "user", params: ZKitchenParams, query: ZRunsQuery, output: z.object({ runs: z.array(ZRunListItem), nextCursor: z.string().nullable() }) },
  async ({ user, params, query }) => {
    const kitchen = await getKitchenForUserOrThrow(db(), { name: params.k }, user, "read_runs");
    return listRuns(db(), kitchen.id, query);
  },
);

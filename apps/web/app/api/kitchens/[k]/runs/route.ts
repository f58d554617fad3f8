import { db } from "../../../../../lib/deps";
import { route } from "../../../../../lib/route";
import { runsPageResponse } from "../../../../../lib/runs-answers";
import { getKitchenForUserOrThrow } from "../../../../../lib/runs-deps";
import { ZKitchenParams, ZRunsQuery } from "../../../../../lib/runs-schemas";

/** No `output` here: each page was parsed through its schema when it was computed (lib/runs-answers.ts). */
export const GET = route({ auth: "user", params: ZKitchenParams, query: ZRunsQuery }, async ({ user, params, query }) => {
  const kitchen = await getKitchenForUserOrThrow(db(), { name: params.k }, user, "read_runs");
  return runsPageResponse(kitchen, query);
});

import { db } from "../../../../lib/deps";
import { getRunDetail, ZRunDetail } from "../../../../lib/read-models/runs";
import { route } from "../../../../lib/route";
import { getRunForUserOrThrow, maskUnlessAllowed } from "../../../../lib/runs-deps";
import { ZRunParams } from "../../../../lib/runs-schemas";

export const GET = route({ auth: "user", params: ZRunParams, output: ZRunDetail }, async ({ user, params }) => {
  const { kitchen } = await getRunForUserOrThrow(db(), params.id, user, "read_runs");
  return maskUnlessAllowed(user, kitchen, await getRunDetail(db(), params.id));
});

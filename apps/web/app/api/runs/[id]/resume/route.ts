import { resumeRun } from "@galley/runs";
import { db } from "../../../../../lib/deps";
import { json } from "../../../../../lib/responses";
import { route } from "../../../../../lib/route";
import { getRunForUserOrThrow, startRunDeps } from "../../../../../lib/runs-deps";
import { ZRunParams } from "../../../../../lib/runs-schemas";

/** A new run of the same pipeline and selection from the branch head, reusing the nodes that succeeded (@galley/runs resumeRun). */
export const POST = route({ auth: "user", params: ZRunParams }, async ({ user, params }) => {
  await getRunForUserOrThrow(db(), params.id, user, "run");
  const run = await resumeRun(await startRunDeps(), { runId: params.id, triggeredById: user.id });
  return json({ run }, { status: 201 });
});

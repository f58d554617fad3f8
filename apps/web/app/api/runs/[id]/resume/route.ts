import { startRun } from "@galley/runs";
import { db } from "../../../../../lib/deps";
import { getRunDetail } from "../../../../../lib/read-models/runs";
import { json } from "../../../../../lib/responses";
import { route } from "../../../../../lib/route";
import { getRunForUserOrThrow, startRunDeps } from "../../../../../lib/runs-deps";
import { ZRunParams, ZSelection } from "../../../../../lib/runs-schemas";

type Compiled = { compiled?: { parameters?: Record<string, { value: string | number | boolean; source: string }> } };

/**
 * A new run of the same pipeline and selection from the branch head, reusing the nodes that
 * succeeded. Only parameters the person gave the first run are given again: defaults and Kitchen
 * overrides are read afresh, like any run.
 */
export const POST = route({ auth: "user", params: ZRunParams }, async ({ user, params }) => {
  const { run, kitchen } = await getRunForUserOrThrow(db(), params.id, user, "run");
  const given = Object.entries((run.compiled as Compiled)?.compiled?.parameters ?? {}).filter(([, p]) => p.source === "run");
  const selection = ZSelection.safeParse(run.selection);
  const result = await startRun(await startRunDeps(), {
    kitchenId: kitchen.id,
    pipeline: run.pipeline,
    parameters: Object.fromEntries(given.map(([name, p]) => [name, p.value])),
    selection: selection.success ? selection.data : { kind: "all" },
    trigger: "resume",
    triggeredById: user.id,
    resumeFromRunId: run.id,
  });
  const { run: resumed } = await getRunDetail(db(), result.runId);
  return json({ run: { id: resumed.id, status: resumed.status, resumedFromId: resumed.resumedFromId } }, { status: 201 });
});

// Resume: a new run of the same pipeline and selection from the branch head, reusing the nodes
// that succeeded. Only parameters the person gave the first run are given again: defaults and
// Kitchen overrides are read afresh, like any run. The caller checked that the person may run in
// the run's Kitchen.
import { AppError } from "@galley/core";
import type { ParamValue, RunSelection } from "@galley/pipelines";
import { startRun, type StartRunDeps } from "./start-run";

type Compiled = { compiled?: { parameters?: Record<string, { value: ParamValue; source: string }> } };

/** The stored selection if it still has a known shape; otherwise the whole pipeline. */
function selectionOf(stored: unknown): RunSelection {
  const s = stored as Partial<Record<"kind" | "node" | "name", unknown>> | null;
  if (s?.kind === "node" || s?.kind === "downstream") return typeof s.node === "string" ? { kind: s.kind, node: s.node } : { kind: "all" };
  if (s?.kind === "variation") return typeof s.name === "string" ? { kind: "variation", name: s.name } : { kind: "all" };
  return { kind: "all" };
}

export async function resumeRun(deps: StartRunDeps, input: { runId: string; triggeredById: string }): Promise<{ id: string; status: string; resumedFromId: string | null }> {
  const run = await deps.db.run.findUnique({ where: { id: input.runId }, select: { id: true, kitchenId: true, pipeline: true, selection: true, compiled: true } });
  if (!run) throw new AppError("not_found", `run ${input.runId} does not exist`);
  const given = Object.entries((run.compiled as Compiled)?.compiled?.parameters ?? {}).filter(([, p]) => p.source === "run");
  const result = await startRun(deps, {
    kitchenId: run.kitchenId,
    pipeline: run.pipeline,
    parameters: Object.fromEntries(given.map(([name, p]) => [name, p.value])),
    selection: selectionOf(run.selection),
    trigger: "resume",
    triggeredById: input.triggeredById,
    resumeFromRunId: run.id,
  });
  const resumed = await deps.db.run.findUniqueOrThrow({ where: { id: result.runId }, select: { id: true, status: true, resumedFromId: true } });
  return resumed;
}

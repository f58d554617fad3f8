// Schedule use cases for the web: list (with next ticks and history), save and delete (a commit of
// schedules.yaml on the Kitchen's branch), switch on/off (PostgreSQL, production role in production).
import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import { accessOf, getKitchenForActorOrThrow, saveKitchenFile, type KitchenActor, type KitchenGit, type KitchenRecord } from "@galley/kitchens";
import { nextTick, nextTicks } from "./cron";
import { kitchenDenial } from "@galley/auth/policy";
import { parsePipeline } from "@galley/pipelines";
import { entryProblem, removeScheduleEntry, SCHEDULES_FILE, upsertScheduleEntry, type TScheduleInput } from "./schedule-file";
import { syncKitchenSchedules, type ScheduleSource } from "./sync";

export interface ManageDeps {
  db: Db;
  git: KitchenGit;
}

export function gitScheduleSource(git: Pick<KitchenGit, "headOf" | "readAllTextFiles">): ScheduleSource {
  return {
    headOf: (branch) => git.headOf(branch),
    readText: async (commit, path) => (await git.readAllTextFiles(commit, path)).files.find((f) => f.path === path)?.content ?? null,
  };
}

function facts(k: KitchenRecord) {
  return { name: k.name, isPrivate: k.isPrivate, environmentKind: k.environment.kind, staff: k.staff };
}

export interface ScheduleView {
  id: string;
  name: string;
  pipeline: string;
  cron: string;
  timezone: string;
  parameters: Record<string, unknown>;
  enabled: boolean;
  enabledAt: string | null;
  problem: string | null;
  removed: boolean;
  nextRuns: string[];
  history: { id: string; tickAt: string; status: string; reason: string | null; runId: string | null; runStatus: string | null }[];
}

export async function listSchedules(deps: ManageDeps, kitchen: string, actor: KitchenActor, opts: { historyLimit?: number } = {}) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "read");
  const sync = await syncKitchenSchedules({ db: deps.db, source: gitScheduleSource(deps.git) }, k);
  const rows = await deps.db.schedule.findMany({
    where: { kitchenId: k.id },
    orderBy: [{ removedAt: { sort: "desc", nulls: "first" } }, { name: "asc" }],
    select: {
      id: true, name: true, pipeline: true, cron: true, timezone: true, parameters: true, enabled: true, enabledAt: true, definitionError: true, removedAt: true, nextRunAt: true,
      ticks: { orderBy: { tickAt: "desc" }, take: opts.historyLimit ?? 10, select: { id: true, tickAt: true, status: true, reason: true, runId: true } },
    },
  });
  const runIds = rows.flatMap((r) => r.ticks.map((t) => t.runId)).filter((x): x is string => !!x);
  const runs = runIds.length ? await deps.db.run.findMany({ where: { id: { in: runIds } }, select: { id: true, status: true } }) : [];
  const runStatus = new Map(runs.map((r) => [r.id, r.status]));
  const now = new Date();
  const schedules: ScheduleView[] = rows.map((r) => ({
    id: r.id, name: r.name, pipeline: r.pipeline, cron: r.cron, timezone: r.timezone, parameters: r.parameters as Record<string, unknown>,
    enabled: r.enabled, enabledAt: r.enabledAt?.toISOString() ?? null, problem: r.definitionError, removed: r.removedAt !== null,
    nextRuns: r.definitionError || r.removedAt ? [] : nextTicks(r.cron, r.timezone, now, 3).map((d) => d.toISOString()),
    history: r.ticks.map((t) => ({ id: t.id, tickAt: t.tickAt.toISOString(), status: t.status, reason: t.reason, runId: t.runId, runStatus: t.runId ? (runStatus.get(t.runId) ?? null) : null })),
  }));
  const access = accessOf(actor, k);
  return {
    kitchen: k.name,
    environmentKind: k.environment.kind,
    canEdit: access.canWrite,
    canSwitch: kitchenDenial(actor, facts(k), "switch_schedule") === null,
    /** Why this person may not switch schedules here (shown where they would try), or null. */
    switchRefusal: kitchenDenial(actor, facts(k), "switch_schedule")?.message ?? null,
    fileErrors: sync.errors,
    schedules,
  };
}

async function readScheduleFile(git: KitchenGit, branch: string): Promise<string | null> {
  const head = await git.headOf(branch);
  return gitScheduleSource(git).readText(head, SCHEDULES_FILE);
}

/**
 * Adds or replaces a schedule in schedules.yaml (a commit by the person). A bad cron rule, an
 * unknown zone or pipeline is refused before anything is written. `enable` also switches it on,
 * for those allowed to (see setScheduleEnabled).
 */
export async function saveSchedule(deps: ManageDeps, kitchen: string, input: TScheduleInput & { enable?: boolean }, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "write");
  const problem = entryProblem(input);
  if (problem) throw new AppError("invalid_input", problem, { field: problem.startsWith("time zone") || problem.startsWith("the time zone") ? "timezone" : "cron" });
  const pipelinePath = `pipelines/${input.pipeline}/pipeline.yaml`;
  const pipelines = await deps.git.listFiles(k.branch, { prefix: `pipelines/${input.pipeline}/` });
  if (!pipelines.some((f) => f.path === pipelinePath)) {
    throw new AppError("invalid_input", `pipeline ${input.pipeline} does not exist on the branch of Kitchen ${k.name}`, { field: "pipeline" });
  }
  await checkParameters(deps.git, k.branch, pipelinePath, input);
  if (input.enable) {
    const denial = kitchenDenial(actor, facts(k), "switch_schedule");
    if (denial) throw new AppError(denial.code, denial.message, { field: "enable" });
  }
  const before = await readScheduleFile(deps.git, k.branch);
  const { enable: _enable, ...entry } = input;
  let content: string;
  try {
    content = upsertScheduleEntry(before, entry);
  } catch (e) {
    throw new AppError("invalid_input", `${(e as Error).message}: fix the file in the editor first`, { field: "file" });
  }
  const existed = before !== null && (await deps.db.schedule.findUnique({ where: { kitchenId_name: { kitchenId: k.id, name: input.name } }, select: { id: true } })) !== null;
  const { commit } = await saveKitchenFile(deps, { kitchen: k.name, path: SCHEDULES_FILE, content, message: `${existed ? "Change" : "Add"} schedule ${input.name} (${input.cron}, ${input.timezone})`, strict: true }, actor);
  await syncKitchenSchedules({ db: deps.db, source: gitScheduleSource(deps.git) }, k, { force: true });
  if (input.enable) await setScheduleEnabled(deps, kitchen, input.name, true, actor);
  return { commit };
}

/**
 * Parameters the pipeline does not declare would fail every tick ("unknown parameter"): refused
 * here, where the schedule is made. A pipeline that does not parse is left to its own errors.
 */
async function checkParameters(git: KitchenGit, branch: string, path: string, input: TScheduleInput): Promise<void> {
  const names = Object.keys(input.parameters);
  if (names.length === 0) return;
  const content = (await git.readAllTextFiles(await git.headOf(branch), path)).files.find((f) => f.path === path)?.content;
  const declared = content ? parsePipeline({ path, content }).pipeline?.parameters : undefined;
  if (!declared) return;
  const unknown = names.find((n) => !Object.hasOwn(declared, n));
  if (unknown) {
    const known = Object.keys(declared);
    throw new AppError("invalid_input", `pipeline ${input.pipeline} has no parameter "${unknown}" (it declares ${known.length ? known.join(", ") : "none"})`, { field: `parameters.${unknown}` });
  }
}

export async function deleteSchedule(deps: ManageDeps, kitchen: string, name: string, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "write");
  const before = await readScheduleFile(deps.git, k.branch);
  const after = before ? removeScheduleEntry(before, name) : null;
  if (!before || after === before) throw new AppError("not_found", `Kitchen ${k.name} has no schedule ${name} in ${SCHEDULES_FILE}`, { field: "name" });
  const { commit } = await saveKitchenFile(deps, { kitchen: k.name, path: SCHEDULES_FILE, content: after, message: `Remove schedule ${name}`, strict: true }, actor);
  await syncKitchenSchedules({ db: deps.db, source: gitScheduleSource(deps.git) }, k, { force: true });
  return { commit };
}

/**
 * Switches a schedule on or off in this Kitchen. In a production-environment Kitchen only
 * production engineers (and admins) may; a refusal changes nothing. Switching on counts the next
 * tick from now, so a schedule that was off does not catch up on old ticks.
 */
export async function setScheduleEnabled(deps: Pick<ManageDeps, "db">, kitchen: string, name: string, enabled: boolean, actor: KitchenActor, opts: { requestId?: string; now?: Date } = {}) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "view");
  const denial = kitchenDenial(actor, facts(k), "switch_schedule");
  if (denial) throw new AppError(denial.code, denial.message, { field: "enabled" });
  const s = await deps.db.schedule.findUnique({ where: { kitchenId_name: { kitchenId: k.id, name } }, select: { id: true, cron: true, timezone: true, definitionError: true, removedAt: true, enabled: true } });
  if (!s || s.removedAt) throw new AppError("not_found", `Kitchen ${k.name} has no schedule ${name}`, { field: "name" });
  if (enabled && s.definitionError) throw new AppError("invalid_input", `schedule ${name} cannot be enabled: ${s.definitionError}`, { field: "cron" });
  const now = opts.now ?? new Date();
  await deps.db.$transaction([
    deps.db.schedule.update({
      where: { id: s.id },
      data: enabled ? { enabled: true, enabledById: actor.id, enabledAt: now, nextRunAt: nextTick(s.cron, s.timezone, now) } : { enabled: false, nextRunAt: null },
    }),
    deps.db.auditLog.create({ data: { actorId: actor.id, action: enabled ? "schedule.enable" : "schedule.disable", target: `kitchen:${k.id}`, details: { kitchen: k.name, schedule: name }, requestId: opts.requestId ?? null }, select: { id: true } }),
  ]);
  return { name, enabled };
}

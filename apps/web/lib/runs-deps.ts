// Composition root for pipelines and runs: the analytics repository as a pipeline source, the
// vault's secret names, and who may read or run in a Kitchen.
import { can, type AuthUser } from "@galley/auth";
import { AppError, IDENTIFIER_RE } from "@galley/core";
import type { Db } from "@galley/db";
import { AnalyticsRepo } from "@galley/git";
import type { PipelineSource, StartRunDeps } from "@galley/runs";
import { listSecrets } from "@galley/vault";
import { config } from "./config";
import { db } from "./deps";

const repos = new Map<string, Promise<AnalyticsRepo>>();

/** The analytics repository of this deployment (opened once per directory). */
export function analyticsRepo(): Promise<AnalyticsRepo> {
  const dir = config().repoDir;
  let repo = repos.get(dir);
  if (!repo) {
    repo = AnalyticsRepo.open(dir).catch(() => {
      repos.delete(dir); // the worker creates it on its first start: try again next time
      throw new AppError("unavailable", "the analytics repository is not initialised yet; start the worker once");
    });
    repos.set(dir, repo);
  }
  return repo;
}

/** The repository seen as pipeline files at a commit (the web-side twin of the worker's adapter). */
export function pipelineSource(repo: AnalyticsRepo): PipelineSource {
  return {
    headOf: (branch) => repo.headOf(branch),
    readTextFiles: async (commit, prefix) => (await repo.readAllTextFiles(commit, prefix)).files.map((f) => ({ path: f.path, content: f.content })),
  };
}

/** Names only: values never leave the vault here. */
export async function vaultNames(database: Db, environmentId: string): Promise<string[]> {
  return (await listSecrets({ db: database }, environmentId)).map((s) => s.name);
}

export async function startRunDeps(): Promise<StartRunDeps> {
  const database = db();
  return {
    db: database,
    source: pipelineSource(await analyticsRepo()),
    vaultNames: (environmentId) => vaultNames(database, environmentId),
    executor: config().GALLEY_EXECUTOR,
  };
}

/** `read`: see pipelines and runs (staff, admins). `run`: start, cancel, resume (staff whose role may write the environment). */
export type RunNeed = "read" | "run";

export interface RunKitchen {
  id: string;
  name: string;
  branch: string;
  schemaName: string;
  environmentId: string;
  environment: { name: string; kind: "development" | "production" };
  isPrivate: boolean;
  deletedAt: Date | null;
  staffUserIds: string[];
}

const KITCHEN_SELECT = {
  id: true, name: true, branch: true, schemaName: true, environmentId: true, isPrivate: true, deletedAt: true,
  environment: { select: { name: true, kind: true } },
  staff: { select: { userId: true } },
} as const;

/**
 * The Kitchen by name (live ones only) or id (a run's, deleted ones too: history stays), if `user`
 * may do `need` in it. Private Kitchens do not exist for non-staff (404); other refusals are 403.
 */
export async function getKitchenForUserOrThrow(database: Db, ref: { name: string } | { id: string }, user: AuthUser, need: RunNeed): Promise<RunKitchen> {
  const row = "name" in ref
    ? IDENTIFIER_RE.test(ref.name) ? await database.kitchen.findFirst({ where: { name: ref.name, deletedAt: null }, select: KITCHEN_SELECT }) : null
    : await database.kitchen.findUnique({ where: { id: ref.id }, select: KITCHEN_SELECT });
  const label = "name" in ref ? ref.name : "of this run";
  if (!row) throw new AppError("not_found", `Kitchen ${label} does not exist`, { field: "kitchen" });
  const k: RunKitchen = { ...row, staffUserIds: row.staff.map((s) => s.userId) };
  const isStaff = k.staffUserIds.includes(user.id);
  const isAdmin = user.role === "admin";
  if (k.isPrivate && !isStaff && !isAdmin) throw new AppError("not_found", `Kitchen ${label} does not exist`, { field: "kitchen" });
  if (need === "read") {
    if (!isStaff && !isAdmin) throw notStaff(k);
    return k;
  }
  if (!isStaff) throw notStaff(k);
  if (k.deletedAt) throw new AppError("conflict", `Kitchen ${k.name} was deleted; its runs are kept as history`);
  if (!can(user, "write", { type: "environment", kind: k.environment.kind })) {
    throw new AppError("forbidden", k.environment.kind === "production"
      ? `Kitchen ${k.name} is in a production environment: only production engineers and admins may run pipelines there`
      : `your role (${user.role}) may not run pipelines in the ${k.environment.name} environment`);
  }
  return k;
}

function notStaff(k: RunKitchen): AppError {
  return new AppError("forbidden", `you are not on the staff of Kitchen ${k.name}; ask one of its owners to add you`, { field: "kitchen" });
}

/** The run and its Kitchen, if `user` may do `need` with it (404 for a run they may not know of). */
export async function getRunForUserOrThrow(database: Db, runId: string, user: AuthUser, need: RunNeed) {
  const run = await database.run.findUnique({ where: { id: runId }, select: { id: true, kitchenId: true, pipeline: true, status: true, selection: true, compiled: true } });
  if (!run) throw new AppError("not_found", `run ${runId} does not exist`);
  const kitchen = await getKitchenForUserOrThrow(database, { id: run.kitchenId }, user, need);
  return { run, kitchen };
}

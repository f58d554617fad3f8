// Composition root for pipelines and runs: the analytics repository as a pipeline source, the
// vault's secret names, and who may read or run in a Kitchen.
import { decide, type AuthUser } from "@galley/auth";
import { AppError, IDENTIFIER_RE } from "@galley/core";
import type { Db } from "@galley/db";
import { AnalyticsRepo } from "@galley/git";
import type { PipelineSource, StartRunDeps } from "@galley/runs";
import type { DirectoryKitchen } from "@galley/kitchens";
import { listSecrets } from "@galley/vault";
import { config } from "./config";
import { maskVaultNames } from "./vault-name-mask";
import { db } from "./deps";
import { kitchenDirectory } from "./kitchen-directory";

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

/** `read_runs`: see pipelines and runs (staff, admins, managers outside private Kitchens). `run`: start, cancel, resume. */
export type RunNeed = "read_runs" | "run";

export interface RunKitchen {
  id: string;
  name: string;
  branch: string;
  schemaName: string;
  environmentId: string;
  environment: { name: string; kind: "development" | "production" };
  isPrivate: boolean;
  deletedAt: Date | null;
  staff: { userId: string; isOwner: boolean }[];
  staffUserIds: string[];
  reviewers: string[];
}

// Deleted Kitchens are not in the directory (nor, for a few milliseconds, one another process just
// made): those are looked up in the database.
const DELETED_KITCHEN_SELECT = {
  id: true, name: true, branch: true, schemaName: true, environmentId: true, isPrivate: true, deletedAt: true,
  environment: { select: { name: true, kind: true } },
  staff: { select: { userId: true, isOwner: true } },
  requestsFrom: { where: { status: "open" }, select: { target: { select: { staff: { select: { userId: true } } } } } },
} as const;

async function kitchenFromDb(database: Db, where: { id: string } | { name: string; deletedAt: { not: null } }): Promise<Omit<RunKitchen, "staffUserIds"> | null> {
  const row = await database.kitchen.findFirst({ where, orderBy: { deletedAt: "desc" }, select: DELETED_KITCHEN_SELECT });
  if (!row) return null;
  const { requestsFrom, ...rest } = row;
  return { ...rest, reviewers: [...new Set(requestsFrom.flatMap((r) => r.target.staff.map((s) => s.userId)))] };
}

function fromDirectory(k: DirectoryKitchen): Omit<RunKitchen, "staffUserIds"> {
  return {
    id: k.id, name: k.name, branch: k.branch, schemaName: k.schemaName, environmentId: k.environmentId,
    environment: { name: k.environment, kind: k.environmentKind }, isPrivate: k.isPrivate, deletedAt: null,
    staff: k.staff.map((s) => ({ userId: s.userId, isOwner: s.isOwner })), reviewers: k.reviewers,
  };
}

/**
 * The Kitchen by name (live ones only) or id (a run's, deleted ones too: history stays), if `user`
 * may do `need` in it, as the one access policy decides (404 for a private Kitchen they may not see).
 * Live Kitchens come from the process's directory (lib/kitchen-directory.ts: no query), deleted
 * ones from the database.
 */
export async function getKitchenForUserOrThrow(database: Db, ref: { name: string; orDeleted?: boolean } | { id: string }, user: AuthUser, need: RunNeed): Promise<RunKitchen> {
  const dir = await kitchenDirectory();
  let row: Omit<RunKitchen, "staffUserIds"> | null = null;
  if ("name" in ref) {
    if (IDENTIFIER_RE.test(ref.name)) {
      const live = dir.byName.get(ref.name);
      // History by name (the run list of a deleted Kitchen): the latest Kitchen of that name.
      row = live ? fromDirectory(live) : ref.orDeleted ? await kitchenFromDb(database, { name: ref.name, deletedAt: { not: null } }) : null;
    }
  } else {
    const live = dir.byId.get(ref.id);
    row = live ? fromDirectory(live) : await kitchenFromDb(database, { id: ref.id });
  }
  const label = "name" in ref ? ref.name : "of this run";
  if (!row) throw new AppError("not_found", `Kitchen ${label} does not exist`, { field: "kitchen" });
  const denial = decide(user, need, {
    type: "kitchen", name: row.name, isPrivate: row.isPrivate, environmentKind: row.environment.kind, staff: row.staff, isDeleted: row.deletedAt !== null,
    reviewers: row.reviewers,
  });
  if (denial) throw new AppError(denial.code, denial.code === "not_found" ? `Kitchen ${label} does not exist` : denial.message, { field: "kitchen" });
  return { ...row, staffUserIds: row.staff.map((s) => s.userId) };
}

/** The run and its Kitchen, if `user` may do `need` with it (404 for a run they may not know of). */
export async function getRunForUserOrThrow(database: Db, runId: string, user: AuthUser, need: RunNeed) {
  const run = await database.run.findUnique({ where: { id: runId }, select: { id: true, kitchenId: true, pipeline: true, status: true, selection: true, compiled: true } });
  if (!run) throw new AppError("not_found", `run ${runId} does not exist`);
  const kitchen = await getKitchenForUserOrThrow(database, { id: run.kitchenId }, user, need);
  return { run, kitchen };
}

/** Whether the policy lets `user` see the secret names of the Kitchen's environment (managers may not). */
export function maySeeSecretNames(user: AuthUser, kitchen: RunKitchen): boolean {
  return decide(user, "read_secret_names", { type: "environment", kind: kitchen.environment.kind }) === null;
}

/** `value` as is for those the policy lets see the environment's secret names; masked for the rest (managers). */
export function maskUnlessAllowed<T>(user: AuthUser, kitchen: RunKitchen, value: T): T {
  return maySeeSecretNames(user, kitchen) ? value : maskVaultNames(value);
}

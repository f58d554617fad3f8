// Pipelines of a Kitchen as its branch holds them now: parsed, checked against the environment's
// vault names, laid out for drawing, with each parameter's value and where it comes from.
import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import {
  effectiveParameters,
  layoutDag,
  loadPipelines,
  validatePipeline,
  type DagLayout,
  type EffectiveParameters,
  type LayoutOptions,
  type Pipeline,
  type PipelineError,
} from "@galley/pipelines";
import { MAX_FILE_BYTES, type SkippedFile } from "@galley/git";
import { analyticsRepo, vaultNames, type RunKitchen } from "../runs-deps";
import { lastRunByPipeline } from "./runs";

export interface PipelineListItem {
  name: string;
  description: string;
  nodes: number;
  errors: PipelineError[];
  lastRun: { id: string; status: string; warnings: number; createdAt: Date } | null;
}

export interface PipelineDetail {
  /** Null when the file does not parse: `errors` says why. */
  pipeline: Pipeline | null;
  layout: DagLayout | null;
  parameters: EffectiveParameters;
  errors: PipelineError[];
  head: string;
}

const FOLDER = /^pipelines\/([^/]+)\/pipeline\.ya?ml$/;

const SKIPPED: Record<SkippedFile["reason"], string> = {
  too_large: `file is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MiB, the most Galley reads from a branch; make it smaller`,
  binary: "file is binary (it contains a NUL byte); pipeline files must be text",
  symlink: "file is a symbolic link; Galley does not follow links in the repository",
  submodule: "entry is a git submodule; Galley reads only files",
};

async function readBranch(db: Db, kitchen: RunKitchen) {
  const repo = await analyticsRepo();
  const head = await repo.headOf(kitchen.branch);
  const { files, skipped } = await repo.readAllTextFiles(head, "pipelines/");
  const loaded = loadPipelines(files.map((f) => ({ path: f.path, content: f.content })));
  // A file the repository reader skipped (too large, binary, a link) still names its pipeline: list it
  // with the reason, so a push that broke it is visible instead of the pipeline vanishing.
  const skippedErrors: PipelineError[] = skipped.map((f) => ({ file: f.path, message: SKIPPED[f.reason] }));
  const folders = [...new Set([...files, ...skipped].map((f) => FOLDER.exec(f.path)?.[1]).filter((n): n is string => n !== undefined))].sort();
  const secrets = await vaultNames(db, kitchen.environmentId);
  // Parsing checked everything but the vault; a parsed pipeline is checked again with its names.
  const vaultErrors = loaded.pipelines.flatMap((p) => validatePipeline(p, { vaultNames: secrets }));
  return { head, folders, pipelines: loaded.pipelines, errors: [...skippedErrors, ...loaded.errors, ...vaultErrors] };
}

function errorsOf(errors: PipelineError[], folder: string): PipelineError[] {
  return errors.filter((e) => e.file.startsWith(`pipelines/${folder}/`));
}

/** Every `pipelines/<name>/pipeline.yaml` of the Kitchen's branch, broken ones included. */
export async function listPipelines(db: Db, kitchen: RunKitchen): Promise<{ pipelines: PipelineListItem[]; errors: PipelineError[]; head: string }> {
  const branch = await readBranch(db, kitchen);
  const last = await lastRunByPipeline(db, kitchen.id);
  const pipelines = branch.folders.map((folder) => {
    const p = branch.pipelines.find((x) => x.folder.replace(/\/$/, "") === `pipelines/${folder}`);
    return {
      name: p?.name ?? folder,
      description: p?.description ?? "",
      nodes: p?.nodes.length ?? 0,
      errors: errorsOf(branch.errors, folder),
      lastRun: last.get(p?.name ?? folder) ?? null,
    };
  });
  return { pipelines, errors: branch.errors, head: branch.head };
}

/** One pipeline; not_found when its folder has no pipeline.yaml on the branch. */
export async function getPipelineDetail(db: Db, kitchen: RunKitchen, name: string, layout: LayoutOptions = {}): Promise<PipelineDetail> {
  const branch = await readBranch(db, kitchen);
  if (!branch.folders.includes(name)) {
    throw new AppError("not_found", `pipeline ${name} does not exist on Kitchen ${kitchen.name}'s branch (expected pipelines/${name}/pipeline.yaml)`);
  }
  const pipeline = branch.pipelines.find((p) => p.name === name) ?? null;
  const overrides = Object.fromEntries(
    (await db.kitchenVariable.findMany({ where: { kitchenId: kitchen.id }, select: { name: true, value: true } })).map((v) => [v.name, v.value]),
  );
  return {
    pipeline,
    layout: pipeline ? layoutDag(pipeline, layout) : null,
    parameters: pipeline ? effectiveParameters(pipeline, overrides) : {},
    errors: errorsOf(branch.errors, name),
    head: branch.head,
  };
}

import { AppError } from "@galley/core";
import { assertSafePath } from "@galley/git";
import { getKitchenForActorOrThrow } from "./access";
import { authorOf, type KitchenActor, type KitchensDeps } from "./deps";
import { touchActivity } from "./kitchen-repository";
import { pipelineErrors, type FileError } from "./pipeline-errors";

export interface SaveFileInput {
  kitchen: string;
  path: string;
  /** null deletes the file. */
  content: string | null;
  message: string;
  expectedHead?: string;
  /** Refuse to commit a pipeline that does not validate. */
  strict?: boolean;
}

/**
 * Commits one file on the Kitchen's branch with the person as author. Pipeline files are
 * validated; errors come back with the commit (work in progress may be saved) unless `strict`.
 * `expectedHead` makes a stale editor fail with 409 instead of overwriting newer work.
 */
export async function saveKitchenFile(
  deps: Pick<KitchensDeps, "db" | "git">,
  input: SaveFileInput,
  actor: KitchenActor,
): Promise<{ commit: string; validation: FileError[] }> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "write");
  const path = assertSafePath(input.path);
  const existing = (await deps.git.listFiles(k.branch, { prefix: path })).find((f) => f.path === path);
  if (existing?.mode === "120000") throw new AppError("invalid_input", `${path} is a symbolic link; Galley does not follow or replace links`, { field: "path" });
  if (input.content === null && !existing) throw new AppError("not_found", `${path} does not exist on branch ${k.branch}`, { field: "path" });
  const validation = await pipelineErrors(deps.git, k.branch, path, input.content);
  if (input.strict && validation.length > 0) {
    const e = validation[0];
    throw new AppError("invalid_input", `not committed: ${e.file}${e.line ? `:${e.line}` : ""}: ${e.message}`, { field: "content", details: { errors: validation } });
  }
  const commit = await deps.git.commitFiles(k.branch, {
    changes: [{ path, content: input.content }],
    message: input.message,
    author: authorOf(actor),
    expectedHead: input.expectedHead,
  });
  await touchActivity([k.id], deps.db);
  return { commit, validation };
}

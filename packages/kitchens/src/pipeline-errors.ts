import { loadPipelines } from "@galley/pipelines";
import type { KitchenGit } from "./deps";

export interface FileError {
  file: string;
  line: number | null;
  field: string | null;
  message: string;
}

const PIPELINE_FOLDER = /^pipelines\/[^/]+\//;

/**
 * Validation of the pipeline a file belongs to (`pipelines/<name>/…`), as it would be with
 * `content` saved (null: deleted). The folder's other files come from the branch, so sibling
 * checks and SQL sources see the real neighbours. Other files are not validated.
 */
export async function pipelineErrors(git: Pick<KitchenGit, "readAllTextFiles">, branch: string, path: string, content: string | null): Promise<FileError[]> {
  const folder = PIPELINE_FOLDER.exec(path)?.[0];
  if (!folder) return [];
  const { files } = await git.readAllTextFiles(branch, folder);
  const next = files.filter((f) => f.path !== path).map((f) => ({ path: f.path, content: f.content }));
  if (content !== null) next.push({ path, content });
  return loadPipelines(next).errors.map((e) => ({ file: e.file, line: e.line ?? null, field: e.field ?? null, message: e.message }));
}

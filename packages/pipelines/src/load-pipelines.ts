import { sortErrors } from "./error-sink";
import { parsePipeline } from "./parse-pipeline";
import type { Pipeline, PipelineError } from "./types";

export interface RepoFile {
  path: string;
  content: string;
}

const PIPELINE_FILE = /^pipelines\/([^/]+)\/pipeline\.(yaml|yml)$/;

/**
 * Finds and parses every `pipelines/<name>/pipeline.yaml` in a branch's files. Each pipeline sees
 * the other files of its folder as siblings, and the text of its `.sql` files.
 */
export function loadPipelines(files: readonly RepoFile[]): { pipelines: Pipeline[]; errors: PipelineError[] } {
  const folders = new Map<string, { yaml?: RepoFile; siblings: string[]; sources: Record<string, string> }>();
  const errors: PipelineError[] = [];
  for (const file of files) {
    const path = file.path.replace(/^\.?\//, "");
    const m = PIPELINE_FILE.exec(path);
    if (m && m[2] === "yml") {
      errors.push({ file: path, message: `pipeline files are named pipeline.yaml: rename pipelines/${m[1]}/pipeline.yml` });
      continue;
    }
    const folder = /^pipelines\/([^/]+)\//.exec(path)?.[0];
    if (!folder) continue;
    const entry = folders.get(folder) ?? { siblings: [], sources: {} };
    folders.set(folder, entry);
    if (m) entry.yaml = { path, content: file.content };
    else {
      const rel = path.slice(folder.length);
      entry.siblings.push(rel);
      if (rel.endsWith(".sql")) entry.sources[rel] = file.content;
    }
  }
  const pipelines: Pipeline[] = [];
  for (const entry of folders.values()) {
    if (!entry.yaml) continue; // a folder of shared files without a pipeline is fine
    const result = parsePipeline({ ...entry.yaml, siblingFiles: entry.siblings, sources: entry.sources });
    if (result.pipeline) pipelines.push(result.pipeline);
    errors.push(...result.errors);
  }
  pipelines.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { pipelines, errors: sortErrors(errors) };
}

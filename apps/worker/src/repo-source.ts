import type { AnalyticsRepo } from "@galley/git";
import type { PipelineSource } from "@galley/runs";

/** The analytics repository seen as a source of pipeline files at a commit. */
export function repoSource(repo: AnalyticsRepo): PipelineSource {
  return {
    headOf: (branch) => repo.headOf(branch),
    readTextFiles: async (commit, prefix) => (await repo.readAllTextFiles(commit, prefix)).files.map((f) => ({ path: f.path, content: f.content })),
  };
}

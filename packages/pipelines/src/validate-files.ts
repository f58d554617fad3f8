import type { ErrorSink } from "./error-sink";
import { isGlob, matchFiles } from "./glob";
import type { Pipeline } from "./types";

/** `sql_file` must exist beside pipeline.yaml; each `files:` entry must select at least one file. */
export function validateFiles(pipeline: Pipeline, siblingFiles: readonly string[], sink: ErrorSink): void {
  const present = new Set(siblingFiles);
  pipeline.nodes.forEach((node, i) => {
    if (node.type === "sql") {
      if (node.sql_file !== undefined && !present.has(node.sql_file)) {
        sink.at(["nodes", i, "sql_file"], `file not found: ${pipeline.folder}/${node.sql_file}`);
      }
      return;
    }
    node.files.forEach((pattern, j) => {
      if (matchFiles([pattern], siblingFiles).length === 0) {
        const what = isGlob(pattern) ? `no file in ${pipeline.folder} matches "${pattern}"` : `file not found: ${pipeline.folder}/${pattern}`;
        sink.at(["nodes", i, "files", j], what);
      }
    });
  });
}

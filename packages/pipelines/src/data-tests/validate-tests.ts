import type { ErrorSink } from "../error-sink";
import type { Pipeline } from "../types";
import { checkRefs, parseCheck, withTemplatesAsNumbers } from "./check";
import { testKind } from "./spec";

/** What one test cannot know alone: the names its check reads, and whether its node has outputs. */
export function validateTests(pipeline: Pipeline, sink: ErrorSink): void {
  pipeline.nodes.forEach((node, i) => {
    const names = new Set(node.tests.map((t) => t.name));
    node.tests.forEach((test, j) => {
      const kind = testKind(test.metric);
      if (kind === "output" && (node.type !== "container" || !node.outputs)) {
        sink.at(["nodes", i, "tests", j, "metric", "output"], `node "${node.id}" declares no outputs file, so an output metric has nothing to read`);
      }
      if (test.check === undefined) return;
      const check = parseCheck(withTemplatesAsNumbers(test.check));
      for (const ref of checkRefs(check)) {
        if (ref === test.name) sink.at(["nodes", i, "tests", j, "check"], `check of "${test.name}" names the test itself; compare with another test of node "${node.id}" or a number`);
        else if (!names.has(ref)) sink.at(["nodes", i, "tests", j, "check"], `check names "${ref}", which is not a test of node "${node.id}" (known: ${[...names].join(", ")})`);
      }
    });
  });
}

// "Add test" on the pipeline page: the test is written into pipeline.yaml (tests stay files).
// The text is inserted where it belongs, so the rest of the file — comments, spacing, quoting —
// stays byte for byte as it was (re-printing the whole document would restyle it).
import { AppError } from "@galley/core";
import { Document, isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { ZTest, type TTest } from "./spec";

/** Returns the file with `test` appended to node `nodeId`'s tests. Throws AppError naming the field. */
export function addTestToPipelineYaml(content: string, nodeId: string, input: unknown): string {
  const parsed = ZTest.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ["test", ...issue.path.map(String)].join(".");
    throw new AppError("invalid_input", `${field}: ${issue.message}`, { field });
  }
  const doc = parseDocument(content);
  if (doc.errors.length) throw new AppError("invalid_input", `the pipeline file does not parse: ${doc.errors[0].message}`, { field: "content" });
  const nodes = doc.get("nodes");
  if (!isSeq(nodes)) throw new AppError("invalid_input", "the pipeline file has no nodes list", { field: "node" });
  const node = nodes.items.find((n) => isMap(n) && n.get("id") === nodeId) as YAMLMap | undefined;
  if (!node) throw new AppError("not_found", `node "${nodeId}" is not in this pipeline`, { field: "node" });
  const tests = node.get("tests", true) as YAMLSeq | undefined | null;
  if (tests && isSeq(tests) && tests.items.some((t) => isMap(t) && t.get("name") === parsed.data.name)) {
    throw new AppError("conflict", `node "${nodeId}" already has a test named "${parsed.data.name}"`, { field: "test.name" });
  }
  const metric = (input as Record<string, unknown>).metric;
  if (tests && isSeq(tests) && tests.items.length > 0) {
    if (tests.flow) throw flowError(nodeId);
    const first = tests.items[0] as { range?: [number, number, number] };
    const dash = indentOf(content, first.range![0]);
    return insertAt(content, lineAfter(content, tests.range![1]), item(parsed.data, metric, dash));
  }
  if (node.flow) throw flowError(nodeId);
  if (tests) throw new AppError("invalid_input", `node "${nodeId}": its tests list is empty or not a block list; add the test in the file editor`, { field: "node" });
  const idPair = node.items[0] as { key: { range?: [number, number, number] } };
  const keyIndent = idPair.key.range![0] - (content.lastIndexOf("\n", idPair.key.range![0] - 1) + 1);
  return insertAt(content, lineAfter(content, node.range![1]), `${" ".repeat(keyIndent)}tests:\n${item(parsed.data, metric, keyIndent + 2)}`);
}

function flowError(nodeId: string): AppError {
  return new AppError("invalid_input", `node "${nodeId}" is written in flow style ({ ... }); add the test in the file editor`, { field: "node" });
}

/** Column of the "- " that starts the line holding position `pos` (or of its first character). */
function indentOf(content: string, pos: number): number {
  const lineStart = content.lastIndexOf("\n", pos - 1) + 1;
  const prefix = content.slice(lineStart, pos);
  return prefix.length - prefix.trimStart().length;
}

function lineAfter(content: string, pos: number): number {
  const nl = content.indexOf("\n", Math.max(0, pos - 1));
  return nl < 0 ? content.length : nl + 1;
}

function insertAt(content: string, at: number, text: string): string {
  const before = content.slice(0, at);
  return `${before}${before.endsWith("\n") || before === "" ? "" : "\n"}${text}${content.slice(at)}`;
}

/** One test as a block-list item at `dash` columns, its metric on one line as in the docs. */
function item(t: TTest, metric: unknown, dash: number): string {
  const pad = " ".repeat(dash + 2);
  const scalar = (v: string) => new Document(v).toString().trimEnd();
  const m = new Document(metric);
  if (isMap(m.contents) || isSeq(m.contents)) (m.contents as YAMLMap).flow = true;
  const lines = [`${" ".repeat(dash)}- name: ${t.name}`];
  if (t.description) lines.push(`${pad}description: ${scalar(t.description)}`);
  lines.push(`${pad}metric: ${m.toString({ lineWidth: 0, flowCollectionPadding: true }).trimEnd()}`);
  if (t.check !== undefined) lines.push(`${pad}check: ${JSON.stringify(t.check)}`);
  lines.push(`${pad}level: ${t.level}`);
  return `${lines.join("\n")}\n`;
}

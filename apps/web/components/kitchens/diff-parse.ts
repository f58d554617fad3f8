// Unified diff text (`git diff` per file) → rows with old/new line numbers, for rendering.

export type DiffRow =
  | { kind: "hunk"; text: string }
  | { kind: "add" | "del" | "ctx"; text: string; old: number | null; new: number | null }
  | { kind: "note"; text: string };

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/;

export function parsePatch(patch: string): { rows: DiffRow[]; added: number; removed: number; binary: boolean } {
  const rows: DiffRow[] = [];
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  let added = 0;
  let removed = 0;
  let binary = false;
  const lines = patch.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const line of lines) {
    const h = HUNK.exec(line);
    if (h) {
      oldNo = Number(h[1]);
      newNo = Number(h[2]);
      inHunk = true;
      rows.push({ kind: "hunk", text: line });
      continue;
    }
    if (!inHunk) {
      // Headers (diff --git, index, ---/+++) are shown by the file card; only notable ones stay.
      if (/^Binary files /.test(line)) {
        binary = true;
        rows.push({ kind: "note", text: "binary file changed" });
      } else if (/^(new file mode|deleted file mode|rename from|rename to|old mode|new mode)/.test(line)) rows.push({ kind: "note", text: line });
      continue;
    }
    if (line.startsWith("+")) {
      rows.push({ kind: "add", text: line.slice(1), old: null, new: newNo++ });
      added++;
    } else if (line.startsWith("-")) {
      rows.push({ kind: "del", text: line.slice(1), old: oldNo++, new: null });
      removed++;
    } else if (line.startsWith("\\")) rows.push({ kind: "note", text: line.slice(2) });
    else rows.push({ kind: "ctx", text: line.slice(1), old: oldNo++, new: newNo++ });
  }
  return { rows, added, removed, binary };
}

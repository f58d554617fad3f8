// Colours git's conflict markers in the merge result: the target's side (between <<<<<<< and
// ======= / |||||||) and the source's side (between ======= and >>>>>>>), in the colours of the
// panels they come from, so people see which lines still need a decision.
import { Decoration, EditorView, type Extension, type Range } from "@uiw/react-codemirror";
import { MARKER } from "./conflicts";

export type Side = "parent" | "child";

const { start: START, base: BASE, sep: SEP, end: END } = MARKER;

/** `ours` (target) is the parent when merging up, the child when merging down. */
export function conflictMarks(ours: Side): Extension {
  const theirs: Side = ours === "parent" ? "child" : "parent";
  const deco = {
    marker: Decoration.line({ class: "cm-conflict-marker" }),
    ours: Decoration.line({ class: `cm-conflict-${ours}` }),
    theirs: Decoration.line({ class: `cm-conflict-${theirs}` }),
    base: Decoration.line({ class: "cm-conflict-base" }),
  };
  const decorations = EditorView.decorations.compute(["doc"], (state) => {
    const ranges: Range<Decoration>[] = [];
    let section: "none" | "ours" | "base" | "theirs" = "none";
    for (let n = 1; n <= state.doc.lines; n++) {
      const line = state.doc.line(n);
      const text = line.text;
      if (START.test(text)) section = "ours";
      else if (section !== "none" && BASE.test(text)) section = "base";
      else if (section !== "none" && SEP.test(text)) section = "theirs";
      else if (section !== "none" && END.test(text)) section = "none";
      else {
        if (section !== "none") ranges.push(deco[section].range(line.from));
        continue;
      }
      ranges.push(deco.marker.range(line.from));
    }
    return Decoration.set(ranges);
  });
  return [
    decorations,
    EditorView.baseTheme({
      ".cm-conflict-marker": { backgroundColor: "#fee2e2", color: "#9f1239", fontWeight: "600" },
      ".cm-conflict-parent": { backgroundColor: "#e0f2fe" },
      ".cm-conflict-child": { backgroundColor: "#ede9fe" },
      ".cm-conflict-base": { backgroundColor: "#f1f5f9", color: "#64748b" },
    }),
  ];
}

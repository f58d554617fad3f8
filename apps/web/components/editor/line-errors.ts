// Marks lines with errors (pipeline validation) in the editor: a tinted line and a gutter dot
// whose tooltip is the message. Errors come by line number from the API, so they are re-placed
// on every document change rather than mapped through edits.
import { Decoration, EditorView, gutter, GutterMarker, RangeSet, StateEffect, StateField, type Extension, type Range } from "@uiw/react-codemirror";

export interface LineError {
  line: number;
  message: string;
}

export const setLineErrors = StateEffect.define<LineError[]>();

const errorsField = StateField.define<LineError[]>({
  create: () => [],
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setLineErrors)) return e.value;
    return value;
  },
});

/** Errors grouped by line, for lines that exist in the current document. */
function byLine(doc: { lines: number }, errors: LineError[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const e of errors) {
    if (e.line < 1 || e.line > doc.lines) continue;
    out.set(e.line, [...(out.get(e.line) ?? []), e.message]);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

const lineDecorations = EditorView.decorations.compute([errorsField, "doc"], (state) => {
  const ranges: Range<Decoration>[] = [];
  for (const [line] of byLine(state.doc, state.field(errorsField))) {
    ranges.push(Decoration.line({ class: "cm-galley-error-line" }).range(state.doc.line(line).from));
  }
  return Decoration.set(ranges);
});

class ErrorMarker extends GutterMarker {
  constructor(readonly messages: string[]) {
    super();
  }
  eq(other: ErrorMarker) {
    return other.messages.join("\n") === this.messages.join("\n");
  }
  toDOM() {
    const el = document.createElement("span");
    el.className = "cm-galley-error-marker";
    el.textContent = "●";
    el.title = this.messages.join("\n");
    return el;
  }
}

const errorGutter = gutter({
  class: "cm-galley-error-gutter",
  markers: (view) => {
    const ranges = [...byLine(view.state.doc, view.state.field(errorsField))].map(([line, messages]) => new ErrorMarker(messages).range(view.state.doc.line(line).from));
    return RangeSet.of(ranges);
  },
  initialSpacer: () => new ErrorMarker([]),
});

const theme = EditorView.baseTheme({
  ".cm-galley-error-line": { backgroundColor: "#fff1f2" },
  ".cm-galley-error-gutter": { width: "14px" },
  ".cm-galley-error-marker": { color: "#e11d48", fontSize: "10px", cursor: "help", paddingLeft: "3px" },
});

export function lineErrors(): Extension {
  return [errorsField, lineDecorations, errorGutter, theme];
}

"use client";

import CodeMirror, { EditorView, keymap, Prec, type Extension, type ReactCodeMirrorRef } from "@uiw/react-codemirror";
import { useEffect, useMemo, useRef } from "react";
import { conflictMarks, type Side } from "./conflict-marks";
import { languageFor } from "./languages";
import { lineErrors, setLineErrors, type LineError } from "./line-errors";

export interface CodeEditorProps {
  value: string;
  /** The file's path: picks the syntax highlighting. */
  path: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  errors?: LineError[];
  /** Colour conflict markers; the value says whose side `<<<<<<<` (ours, the target) is. */
  conflictOurs?: Side;
  /** Ctrl/Cmd-S. */
  onSave?: () => void;
  height?: string;
  /** Move the cursor to this line and scroll to it (a new object each time). */
  focusLine?: { line: number };
  label: string;
  testId?: string;
}

const frame = EditorView.theme({
  "&": { fontSize: "13px", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace", lineHeight: "1.55" },
  ".cm-gutters": { backgroundColor: "#f8fafc", borderRight: "1px solid #e2e8f0", color: "#94a3b8" },
  "&.cm-focused": { outline: "none" },
});

export default function CodeEditorImpl({ value, path, onChange, readOnly = false, errors, conflictOurs, onSave, height = "100%", focusLine, label, testId }: CodeEditorProps) {
  const ref = useRef<ReactCodeMirrorRef>(null);
  const saveRef = useRef(onSave);
  saveRef.current = onSave;

  const extensions = useMemo(() => {
    const ext: Extension[] = [
      frame,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": label }),
      lineErrors(),
      ...languageFor(path),
      Prec.high(keymap.of([{ key: "Mod-s", preventDefault: true, run: () => (saveRef.current?.(), true) }])),
    ];
    if (conflictOurs) ext.push(conflictMarks(conflictOurs));
    return ext;
  }, [path, label, conflictOurs]);

  // Errors live in editor state (see line-errors.ts); push them in whenever they change.
  useEffect(() => {
    const view = ref.current?.view;
    if (view) view.dispatch({ effects: setLineErrors.of(errors ?? []) });
  }, [errors, extensions]);

  useEffect(() => {
    const view = ref.current?.view;
    if (!view || !focusLine) return;
    const line = view.state.doc.line(Math.min(Math.max(1, focusLine.line), view.state.doc.lines));
    view.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
    view.focus();
  }, [focusLine]);

  return (
    <div className="h-full min-h-0" data-testid={testId}>
      <CodeMirror
        ref={ref}
        value={value}
        height={height}
        style={{ height }}
        extensions={extensions}
        editable={!readOnly}
        readOnly={readOnly}
        onChange={onChange}
        onCreateEditor={(view) => view.dispatch({ effects: setLineErrors.of(errors ?? []) })}
        basicSetup={{ foldGutter: true, highlightActiveLine: !readOnly, highlightActiveLineGutter: !readOnly, autocompletion: false }}
        theme="light"
      />
    </div>
  );
}

"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { CodeEditor } from "@/components/editor/code-editor";
import { api, kitchenUrl, type ApiError, type FileError } from "./api";
import { CommitDialog } from "./commit-dialog";
import { FileTree } from "./file-tree";
import { NewFileForm } from "./new-file-form";
import { btn, ErrorNote, ShortSha, Spinner } from "./ui";
import { useApi } from "./use-api";
import { isPipelineDefinition, useValidation } from "./use-validation";
import { ValidationList } from "./validation-list";

interface Doc {
  path: string;
  original: string;
  content: string;
  /** Branch head the content was read at: sent back as expectedHead so a stale editor cannot overwrite newer work. */
  head: string | null;
  isBinary: boolean;
  size: number;
  isNew: boolean;
}

interface FileList {
  head: string;
  files: { path: string; size: number }[];
}

/** The Kitchen's branch as a file tree and an editor; Save commits one file. */
export function FilesWorkspace({ kitchen, canWrite, initialPath }: { kitchen: string; canWrite: boolean; initialPath: string | null }) {
  const list = useApi<FileList>(kitchenUrl(kitchen, "/files"));
  const [doc, setDoc] = useState<Doc | null>(null);
  const [loadingPath, setLoadingPath] = useState<string | null>(null);
  const [docError, setDocError] = useState<ApiError | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"save" | "delete" | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<FileError[] | null>(null);
  // What saving would break, checked when Save is pressed: the dialog says so and asks first.
  const [breaks, setBreaks] = useState<FileError[] | null>(null);
  const [brokenNotice, setBrokenNotice] = useState(false);
  const [focusLine, setFocusLine] = useState<{ line: number }>();
  const request = useRef(0);
  const dirty = !!doc && (doc.isNew || doc.content !== doc.original);
  const text = doc && !doc.isBinary ? doc : null;
  const validation = useValidation(kitchen, text?.path ?? null, text?.content ?? null);

  const load = useCallback(
    async (path: string) => {
      const id = ++request.current;
      setLoadingPath(path);
      setDocError(null);
      setActionError(null);
      setSaved(null);
      const r = await api<{ content: string; isBinary: boolean; size: number; head: string }>("GET", kitchenUrl(kitchen, `/files/content?path=${encodeURIComponent(path)}`));
      if (id !== request.current) return; // a newer click won
      setLoadingPath(null);
      if (!r.ok) {
        setDoc(null);
        setDocError(r.error);
        return;
      }
      setDoc({ path, original: r.data.content, content: r.data.content, head: r.data.head, isBinary: r.data.isBinary, size: r.data.size, isNew: false });
    },
    [kitchen],
  );

  useEffect(() => {
    if (initialPath) void load(initialPath);
  }, [initialPath, load]);

  // Leaving with unsaved work asks first: reloads and closing the tab (beforeunload), and links
  // (client-side navigations fire no beforeunload, so their clicks are caught before Next's router).
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    const onClick = (e: MouseEvent) => {
      const link = (e.target as Element | null)?.closest?.("a[href]");
      if (link && !confirm("You have unsaved changes. Leave without saving?")) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", warn);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty]);

  function showPath(path: string | null) {
    const url = new URL(window.location.href);
    if (path) url.searchParams.set("path", path);
    else url.searchParams.delete("path");
    window.history.replaceState(null, "", url);
  }

  function select(path: string) {
    if (path === doc?.path) return;
    if (dirty && !confirm(`Discard your unsaved changes to ${doc!.path}?`)) return;
    setNotice(null);
    showPath(path);
    void load(path);
  }

  function startNew(path: string) {
    if (dirty && !confirm(`Discard your unsaved changes to ${doc!.path}?`)) return;
    request.current++;
    setLoadingPath(null);
    setDocError(null);
    setActionError(null);
    setSaved(null);
    setNotice(null);
    setDoc({ path, original: "", content: "", head: list.data?.head ?? null, isBinary: false, size: 0, isNew: true });
    showPath(null);
  }

  async function askToSave() {
    if (!doc) return;
    setBreaks(null);
    if (!doc.isBinary && isPipelineDefinition(doc.path)) {
      setBusy(true);
      const r = await api<{ errors: FileError[] }>("POST", kitchenUrl(kitchen, "/files/validate"), { path: doc.path, content: doc.content });
      setBusy(false);
      if (r.ok && r.data.errors.length) setBreaks(r.data.errors);
    }
    setDialog("save");
  }

  async function commit(message: string) {
    if (!doc) return;
    setBusy(true);
    setActionError(null);
    const content = doc.content;
    const r = await api<{ commit: string; validation: FileError[] }>("PUT", kitchenUrl(kitchen, "/files/content"), {
      path: doc.path,
      content,
      message,
      ...(doc.head ? { expectedHead: doc.head } : {}),
    });
    setBusy(false);
    setDialog(null);
    if (!r.ok) return setActionError(r.error);
    setDoc((d) => (d && d.path === doc.path ? { ...d, original: content, head: r.data.commit, isNew: false } : d));
    setSaved(r.data.validation ?? []);
    const problems = r.data.validation?.length ?? 0;
    setBrokenNotice(problems > 0);
    setNotice(problems
      ? `Committed ${r.data.commit.slice(0, 8)} on ${kitchen}, but the pipeline is broken: ${problems} error${problems === 1 ? "" : "s"} (listed below). It will not run until they are fixed.`
      : `Committed ${r.data.commit.slice(0, 8)} on ${kitchen}.`);
    showPath(doc.path);
    await list.reload();
  }

  async function remove(message: string) {
    if (!doc) return;
    setBusy(true);
    setActionError(null);
    const q = new URLSearchParams({ path: doc.path, message, ...(doc.head ? { expectedHead: doc.head } : {}) });
    const r = await api("DELETE", kitchenUrl(kitchen, `/files/content?${q}`));
    setBusy(false);
    setDialog(null);
    if (!r.ok) return setActionError(r.error);
    setNotice(`Deleted ${doc.path}.`);
    setDoc(null);
    showPath(null);
    await list.reload();
  }

  const lineErrors = (saved ?? (validation.state === "done" || validation.state === "checking" ? validation.errors : []))
    .filter((e) => doc && e.file === doc.path && e.line)
    .map((e) => ({ line: e.line!, message: `${e.field ? `${e.field}: ` : ""}${e.message}` }));
  const existing = new Set(list.data?.files.map((f) => f.path) ?? []);

  return (
    <div className="grid h-[calc(100vh-15.5rem)] min-h-[32rem] grid-cols-[17rem_minmax(0,1fr)] overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <aside className="flex min-h-0 flex-col border-r border-slate-200 bg-slate-50/60">
        <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-3 py-2">
          <span className="text-sm font-semibold text-slate-900">Files</span>
          {list.data && <span className="text-xs text-slate-500">head <ShortSha sha={list.data.head} /></span>}
        </div>
        {canWrite && <NewFileForm existing={existing} onCreate={startNew} />}
        <div className="min-h-0 flex-1 overflow-y-auto p-1.5">
          {list.error && <ErrorNote error={list.error} />}
          {list.loading && !list.data && <div className="p-2"><Spinner label="Loading files…" /></div>}
          {list.data && <FileTree files={list.data.files} selected={doc?.path ?? loadingPath} dirtyPath={dirty ? doc!.path : null} onSelect={select} />}
        </div>
      </aside>
      <section className="flex min-h-0 flex-col">
        <EditorToolbar doc={doc} dirty={dirty} busy={busy} canWrite={canWrite} loadingPath={loadingPath} onSave={() => void askToSave()} onDelete={() => setDialog("delete")} />
        {!canWrite && <p className="border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900">Read-only: your role or staff membership does not let you change this Kitchen.</p>}
        <FileMessages error={actionError ?? docError} notice={notice} broken={brokenNotice} onReload={actionError?.status === 409 && doc && !doc.isNew ? () => confirm("Load the branch's version? Your changes will be lost.") && load(doc.path) : undefined} />
        <div className="min-h-0 flex-1">
          {doc && doc.isBinary && <p className="p-4 text-sm text-slate-500">Binary file ({doc.size} bytes): not shown in the editor.</p>}
          {doc && !doc.isBinary && (
            <CodeEditor
              key={doc.path}
              value={doc.content}
              path={doc.path}
              readOnly={!canWrite}
              errors={lineErrors}
              focusLine={focusLine}
              onChange={(content) => {
                setSaved(null);
                setDoc((d) => (d ? { ...d, content } : d));
              }}
              onSave={() => dirty && canWrite && !busy && void askToSave()}
              label={`Contents of ${doc.path}`}
              testId="file-editor"
            />
          )}
        </div>
        {doc && !doc.isBinary && <ValidationList state={validation} saved={saved} path={doc.path} onJump={(line) => setFocusLine({ line })} />}
      </section>
      {dialog === "save" && doc && (
        <CommitDialog
          title={`${doc.isNew ? "Add" : "Save"} ${doc.path}`}
          defaultMessage={`${doc.isNew ? "Add" : "Update"} ${doc.path}`}
          confirmLabel={breaks ? "Commit anyway" : "Commit"}
          danger={!!breaks}
          busy={busy}
          onCancel={() => setDialog(null)}
          onCommit={commit}
        >
          <p className="mt-1 text-sm text-slate-600">Commits to branch <span className="font-mono">{kitchen}</span>.</p>
          {breaks && <BreaksWarning errors={breaks} />}
        </CommitDialog>
      )}
      {dialog === "delete" && doc && (
        <CommitDialog title={`Delete ${doc.path}`} defaultMessage={`Delete ${doc.path}`} confirmLabel="Delete file" busy={busy} onCancel={() => setDialog(null)} onCommit={remove}>
          <p className="mt-1 text-sm text-slate-600">The file goes from branch <span className="font-mono">{kitchen}</span>; history keeps it.</p>
        </CommitDialog>
      )}
    </div>
  );
}

function EditorToolbar({ doc, dirty, busy, canWrite, loadingPath, onSave, onDelete }: {
  doc: Doc | null; dirty: boolean; busy: boolean; canWrite: boolean; loadingPath: string | null; onSave: () => void; onDelete: () => void;
}) {
  return (
    <div className="flex min-h-11 items-center gap-2 border-b border-slate-200 px-3 py-1.5">
      {doc ? (
        <>
          <span className="truncate font-mono text-sm text-slate-900" data-testid="open-file">{doc.path}</span>
          {doc.isNew && <span className="rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-700">new</span>}
          {dirty && !doc.isNew && <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-800">modified</span>}
          <span className="ml-auto" />
          {canWrite && !doc.isBinary && <button type="button" className={btn.primary} disabled={!dirty || busy} onClick={onSave}>Save…</button>}
          {canWrite && !doc.isNew && <button type="button" className={btn.secondary} disabled={busy} onClick={onDelete}>Delete</button>}
        </>
      ) : (
        <span className="text-sm text-slate-500">{loadingPath ? <Spinner label={`Opening ${loadingPath}…`} /> : "Pick a file on the left."}</span>
      )}
    </div>
  );
}

/** Saving this file would leave its pipeline unable to run: said plainly, before the commit. */
function BreaksWarning({ errors }: { errors: FileError[] }) {
  const pipeline = /^pipelines\/([^/]+)\//.exec(errors[0]?.file ?? "")?.[1];
  return (
    <div className="mt-3 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900" role="alert" data-testid="save-breaks">
      <p className="font-medium">
        This change breaks {pipeline ? <>pipeline <span className="font-mono">{pipeline}</span></> : "its pipeline"}: {errors.length} error{errors.length === 1 ? "" : "s"}. It will not run until they are fixed.
      </p>
      <ul className="mt-1 max-h-32 overflow-y-auto font-mono text-xs">
        {errors.slice(0, 5).map((e, i) => <li key={i}>{e.file}{e.line ? `:${e.line}` : ""} {e.message}</li>)}
      </ul>
      <p className="mt-1">Commit anyway, or cancel and fix it first?</p>
    </div>
  );
}

/** The last action's error (with a way out of a stale editor) or its confirmation. */
function FileMessages({ error, notice, broken, onReload }: { error: ApiError | null; notice: string | null; broken: boolean; onReload?: () => void }) {
  if (!error && !notice) return null;
  return (
    <div className="space-y-2 border-b border-slate-200 p-2">
      <ErrorNote error={error} />
      {onReload && <button type="button" className={btn.secondary} onClick={onReload}>Load the latest version</button>}
      {notice && !error && (
        <p
          className={`rounded-md border px-3 py-2 text-sm ${broken ? "border-rose-200 bg-rose-50 text-rose-900" : "border-emerald-200 bg-emerald-50 text-emerald-800"}`}
          role="status"
          data-testid="files-notice"
          data-broken={broken ? "true" : "false"}
        >
          {notice}
        </p>
      )}
    </div>
  );
}

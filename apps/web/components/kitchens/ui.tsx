// Small presentational pieces shared by the Kitchen pages (server and client safe: no hooks).
import type { ApiError } from "./api";

export const btn = {
  primary: "inline-flex items-center gap-1.5 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-slate-700 disabled:cursor-not-allowed disabled:opacity-50",
  secondary: "inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50",
  danger: "inline-flex items-center gap-1.5 rounded-md bg-rose-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-rose-600 disabled:cursor-not-allowed disabled:opacity-50",
  link: "text-sm font-medium text-slate-700 underline-offset-2 hover:underline disabled:opacity-50",
};

export const input = "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm outline-none focus:border-slate-400 focus:ring-2 focus:ring-slate-200";

/** An API error on top of a form or panel. */
export function ErrorNote({ error, className = "" }: { error: ApiError | string | null | undefined; className?: string }) {
  if (!error) return null;
  const message = typeof error === "string" ? error : error.message;
  return (
    <p role="alert" className={`rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 ${className}`} data-testid="api-error">
      {message}
    </p>
  );
}

/** An error shown under the field it is about. */
export function FieldError({ id, message }: { id?: string; message?: string | null }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-xs text-rose-700" role="alert">
      {message}
    </p>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="inline-flex items-center gap-2 text-sm text-slate-500" role="status">
      <span aria-hidden className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-slate-300 border-t-slate-700" />
      {label}
    </span>
  );
}

export function Card({ title, actions, children, className = "", testId, id }: { title?: React.ReactNode; actions?: React.ReactNode; children: React.ReactNode; className?: string; testId?: string; id?: string }) {
  return (
    <section id={id} className={`rounded-lg border border-slate-200 bg-white shadow-sm ${className}`} data-testid={testId}>
      {(title || actions) && (
        <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5">
          {title && <h2 className="text-sm font-semibold text-slate-900">{title}</h2>}
          {actions && <div className="flex items-center gap-2">{actions}</div>}
        </div>
      )}
      <div className="px-4 py-3">{children}</div>
    </section>
  );
}

const STATUS_STYLES: Record<string, string> = {
  added: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  modified: "bg-amber-50 text-amber-800 ring-amber-200",
  deleted: "bg-rose-50 text-rose-700 ring-rose-200",
  conflict: "bg-rose-100 text-rose-800 ring-rose-300",
};
const STATUS_LETTER: Record<string, string> = { added: "A", modified: "M", deleted: "D", conflict: "C" };

/** A / M / D marker of a changed file. */
export function FileStatus({ status }: { status: string }) {
  return (
    <span
      title={status}
      className={`inline-grid h-5 w-5 shrink-0 place-items-center rounded text-[11px] font-bold ring-1 ring-inset ${STATUS_STYLES[status] ?? "bg-slate-50 text-slate-600 ring-slate-200"}`}
    >
      {STATUS_LETTER[status] ?? "?"}
    </span>
  );
}

export function ShortSha({ sha }: { sha: string }) {
  return (
    <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-700" title={sha}>
      {sha.slice(0, 8)}
    </code>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">{children}</p>;
}

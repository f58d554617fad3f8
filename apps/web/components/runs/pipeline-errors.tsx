import type { PipelineError } from "@galley/pipelines";

/** Problems in pipeline files, each with where it is: file:line:column and the field. */
export function PipelineErrors({ errors, limit = 50 }: { errors: PipelineError[]; limit?: number }) {
  if (errors.length === 0) return null;
  return (
    <ul className="space-y-1 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-xs text-rose-900" data-testid="pipeline-errors">
      {errors.slice(0, limit).map((e, i) => (
        <li key={i} className="font-mono">
          <span className="text-rose-700">{e.file}{e.line ? `:${e.line}` : ""}{e.column ? `:${e.column}` : ""}</span>{" "}
          {e.field && <span className="text-rose-600">{e.field}: </span>}
          <span className="font-sans">{e.message}</span>
        </li>
      ))}
      {errors.length > limit && <li>… and {errors.length - limit} more</li>}
    </ul>
  );
}

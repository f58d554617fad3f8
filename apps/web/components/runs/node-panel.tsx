"use client";
// One node of a run: status, attempts, timing, error, outputs, what ran, and its log.
import { CompiledJson } from "./compiled-view";
import { LocalTime } from "./local-time";
import { LogView } from "./log-view";
import { NodeTests } from "./node-tests";
import { StatusBadge } from "./status-badge";
import { durationBetween, formatDuration } from "./status";
import type { LogLine, NodeWire } from "./types";

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm text-slate-900">{children}</dd>
    </div>
  );
}


export function NodePanel({ node, compiled, log, now }: {
  node: NodeWire;
  /** The node as compiled for this run (variables resolved, secrets ***). */
  compiled: unknown;
  log: { lines: LogLine[]; loading: boolean; truncated: boolean; error: string | null } | undefined;
  now: number;
}) {
  const duration = durationBetween(node.startedAt, node.finishedAt, now);
  const outputs = Object.keys(node.outputs ?? {});
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="node-panel" data-node={node.nodeId}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-mono text-base font-semibold text-slate-900">{node.nodeId}</h3>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{node.type}</span>
        <StatusBadge status={node.status} testId="node-status" />
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Item label="Attempt">{node.attempt} of {node.maxAttempts}</Item>
        <Item label="Queued"><LocalTime iso={node.queuedAt} /></Item>
        <Item label="Started"><LocalTime iso={node.startedAt} /></Item>
        <Item label="Finished"><LocalTime iso={node.finishedAt} /></Item>
        <Item label="Duration">{duration === null ? "–" : formatDuration(duration)}{!node.finishedAt && node.startedAt ? " so far" : ""}</Item>
      </dl>
      {node.error && (
        <pre
          className={`mt-3 overflow-x-auto rounded-md border px-3 py-2 text-xs whitespace-pre-wrap ${node.status === "cancelled" || node.status === "skipped" ? "border-amber-200 bg-amber-50 text-amber-900" : "border-rose-200 bg-rose-50 text-rose-800"}`}
          data-testid="node-error"
        >
          {node.error}
        </pre>
      )}
      <NodeTests tests={node.tests ?? []} />
      {outputs.length > 0 && (
        <div className="mt-3">
          <h4 className="text-xs font-medium text-slate-500">Outputs</h4>
          <table className="mt-1 text-sm" data-testid="node-outputs">
            <tbody>
              {outputs.map((k) => (
                <tr key={k}>
                  <td className="pr-4 font-mono text-slate-500">{k}</td>
                  <td className="font-mono text-slate-900">{JSON.stringify(node.outputs[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {compiled !== undefined && (
        <details className="mt-3">
          <summary className="cursor-pointer text-xs font-medium text-slate-500">What ran (compiled node)</summary>
          <CompiledJson value={compiled} className="mt-1 max-h-64 overflow-auto rounded-md bg-slate-50 p-2 text-xs text-slate-800" />
        </details>
      )}
      <div className="mt-4">
        <h4 className="mb-1 text-xs font-medium text-slate-500">Log{node.finishedAt && node.logBytes ? ` · ${(node.logBytes / 1024).toFixed(1)} KiB` : ""}</h4>
        {log?.error && <p className="mb-2 text-xs text-rose-700">{log.error}</p>}
        <LogView nodeId={node.nodeId} lines={log?.lines ?? []} loading={log?.loading ?? true} truncated={node.logTruncated || (log?.truncated ?? false)} />
      </div>
    </section>
  );
}

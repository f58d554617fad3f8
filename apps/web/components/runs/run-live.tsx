"use client";
// The live run page: header, graph, node panel with its log, timeline and compiled pipeline,
// all following GET /api/runs/:id/events. No polling: the only timer re-draws durations.
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { CompiledJson } from "./compiled-view";
import { DagView } from "./dag-view";
import { Gantt } from "./gantt";
import { LocalTime } from "./local-time";
import { NodePanel } from "./node-panel";
import { RunActions } from "./run-actions";
import { StatusBadge } from "./status-badge";
import { durationBetween, formatDuration, isRunActive } from "./status";
import type { LayoutWire, NodeWire, RunDetailWire, RunWire } from "./types";
import { useNodeLogs } from "./use-node-logs";
import { useRunEvents, type Connection, type RunWaitingWire } from "./use-run-events";

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  ended: "final",
  failed: "live updates stopped",
};

function firstInteresting(nodes: NodeWire[]): string | null {
  return (nodes.find((n) => n.status === "failed" || n.status === "timed_out") ?? nodes.find((n) => n.status === "running") ?? nodes[0])?.nodeId ?? null;
}

function compiledNodes(compiled: unknown): Map<string, unknown> {
  const nodes = (compiled as { nodes?: { id: string }[] } | null)?.nodes ?? [];
  return new Map(nodes.map((n) => [n.id, n]));
}

/** `renderedAt`: the server's clock at render, so server and browser draw the same durations first. */
export function RunLive({ initial, layout, canRun, renderedAt, waiting: initialWaiting = null }: { initial: RunDetailWire; layout: LayoutWire; canRun: boolean; renderedAt: number; waiting?: RunWaitingWire | null }) {
  const [run, setRun] = useState<RunWire>(initial.run);
  const [waiting, setWaiting] = useState<RunWaitingWire | null>(initialWaiting);
  const [nodes, setNodes] = useState<NodeWire[]>(initial.nodes);
  const [selected, setSelected] = useState<string | null>(() => firstInteresting(initial.nodes));
  // Until the person picks a node, a node failing while they watch takes the panel (its log is what they need).
  const picked = useRef(false);
  const pick = (id: string) => {
    picked.current = true;
    setSelected(id);
  };
  const [now, setNow] = useState(renderedAt);
  const logs = useNodeLogs(run.id);
  const active = isRunActive(run.status) || nodes.some((n) => n.status === "running");

  const { connection, reconnect } = useRunEvents(run.id, isRunActive(initial.run.status) || initial.nodes.some((n) => n.status === "running"), {
    onSnapshot: (d) => {
      setRun(d.run);
      setNodes(d.nodes);
      logs.catchUp();
    },
    onNode: (n) => setNodes((prev) => prev.map((p) => (p.nodeId === n.nodeId ? n : p))),
    onLog: (nodeId, line) => logs.onLine(nodeId, line),
    onRun: (r) => setRun((prev) => ({ ...prev, ...r })),
    onWaiting: setWaiting,
  });

  useEffect(() => {
    if (picked.current) return;
    const failed = nodes.find((n) => n.status === "failed" || n.status === "timed_out");
    if (failed && failed.nodeId !== selected) setSelected(failed.nodeId);
  }, [nodes, selected]);

  useEffect(() => {
    if (selected) void logs.load(selected);
    // load() is idempotent per node; only a new selection needs it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  useEffect(() => {
    setNow(Date.now());
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);

  const statuses = useMemo(() => Object.fromEntries(nodes.map((n) => [n.nodeId, n.status])), [nodes]);
  const types = useMemo(() => Object.fromEntries(nodes.map((n) => [n.nodeId, n.type])), [nodes]);
  const compiled = useMemo(() => compiledNodes(run.compiled), [run.compiled]);
  const node = nodes.find((n) => n.nodeId === selected);
  const log = selected ? logs.get(selected) : undefined;
  const duration = durationBetween(run.startedAt ?? run.createdAt, run.finishedAt, now);
  const counts = nodes.reduce<Record<string, number>>((acc, n) => ((acc[n.status] = (acc[n.status] ?? 0) + 1), acc), {});

  return (
    <div className="space-y-6">
      {waiting && isRunActive(run.status) && <WaitingBanner waiting={waiting} />}
      <RunHeader run={run} duration={duration} connection={connection} onReconnect={reconnect} canRun={canRun} />
      {run.error && run.status !== "cancelled" && <p className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{run.error}</p>}
      <section>
        <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-500">
          <h2 className="text-sm font-semibold text-slate-900">Graph</h2>
          {Object.entries(counts).map(([s, c]) => <span key={s}>{c} {s.replace("_", " ")}</span>)}
          <span className="ml-auto">click a node for its log</span>
        </div>
        <DagView layout={layout} types={types} statuses={statuses} selected={selected} onSelect={pick} caption="this run" />
      </section>
      {node && <NodePanel node={node} compiled={compiled.get(node.nodeId)} log={log} now={now} />}
      <section>
        <h2 className="mb-2 text-sm font-semibold text-slate-900">Timeline</h2>
        <Gantt nodes={nodes} runStart={run.startedAt ?? run.createdAt} now={now} selected={selected} onSelect={pick} />
      </section>
      <section>
        <details className="rounded-lg border border-slate-200 bg-white" data-testid="compiled-pipeline">
          <summary className="cursor-pointer px-4 py-2 text-sm font-semibold text-slate-900">
            Compiled pipeline <span className="font-normal text-slate-500">— every variable resolved; secrets shown as ***; upstream outputs resolve at run time</span>
          </summary>
          <CompiledJson value={run.compiled} className="max-h-[32rem] overflow-auto border-t border-slate-100 p-4 text-xs text-slate-800" />
        </details>
      </section>
    </div>
  );
}

function WaitingBanner({ waiting }: { waiting: RunWaitingWire }) {
  return (
    <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="waiting-for-pool" data-reason={waiting.reason}>
      Waiting for a worker in pool <span className="font-mono">{waiting.pool}</span>
      {waiting.reason === "capacity"
        ? `: the pool is at its capacity limit (${waiting.running} of ${waiting.limit} nodes running); its queued nodes start as running ones finish.`
        : ": no live worker serves it; its queued nodes start when one is running."}
    </p>
  );
}

function RunHeader({ run, duration, connection, onReconnect, canRun }: { run: RunWire; duration: number | null; connection: Connection; onReconnect(): void; canRun: boolean }) {
  const parameters = Object.entries(run.parameters);
  return (
    <header className="space-y-3">
      <nav className="text-sm text-slate-500">
        <Link href="/" className="hover:underline">Kitchens</Link> /{" "}
        <Link href={`/kitchens/${run.kitchen}`} className="font-mono hover:underline">{run.kitchen}</Link> /{" "}
        <Link href={`/kitchens/${run.kitchen}/pipelines`} className="hover:underline">pipelines</Link> /{" "}
        <Link href={`/kitchens/${run.kitchen}/pipelines/${run.pipeline}`} className="font-mono hover:underline">{run.pipeline}</Link> /{" "}
        <Link href={`/runs?kitchen=${run.kitchen}`} className="hover:underline">runs</Link>
      </nav>
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="font-mono text-2xl font-semibold text-slate-900">{run.pipeline}</h1>
            <StatusBadge status={run.status} kind="run" testId="run-status" warnings={run.warnings} />
            <span className={`text-xs ${connection === "failed" ? "text-rose-700" : "text-slate-400"}`} data-testid="connection">
              {CONNECTION_TEXT[connection]}
              {connection === "failed" && <button type="button" onClick={onReconnect} className="ml-1 underline">reconnect</button>}
            </span>
          </div>
          <p className="mt-1 text-sm text-slate-600">
            in <span className="font-mono">{run.kitchen}</span> ({run.kitchenEnvironment}) at commit{" "}
            <span className="font-mono" title={run.commit}>{run.commit.slice(0, 8)}</span>
            {" · "}{run.trigger}{run.triggeredBy ? ` by ${run.triggeredBy.name}` : ""}
            {run.variation ? <> · variation <span className="font-mono">{run.variation}</span></> : null}
            {" · "}started <LocalTime iso={run.startedAt ?? run.createdAt} withDate />
            {duration !== null && ` · ${formatDuration(duration)}${run.finishedAt ? "" : " so far"}`}
            {run.resumedFromId && <> · resumes <Link href={`/runs/${run.resumedFromId}`} className="underline">an earlier run</Link></>}
          </p>
        </div>
        <RunActions runId={run.id} status={run.status} canRun={canRun} again={{ kitchen: run.kitchen, pipeline: run.pipeline, parameters: run.parameters, selection: run.selection }} />
      </div>
      {run.executor === "local" ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="executor">
          <strong>Ran with the local executor: no container isolation.</strong> Container nodes ran as plain processes on the worker&apos;s machine, without memory, CPU or network limits.
        </p>
      ) : (
        <p className="text-xs text-slate-500" data-testid="executor">Executor: {run.executor} (each container node in its own hardened container)</p>
      )}
      {parameters.length > 0 && (
        <p className="flex flex-wrap gap-2 text-xs text-slate-600">
          {parameters.map(([k, v]) => (
            <span key={k} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono">{k}={JSON.stringify(v)}</span>
          ))}
        </p>
      )}
    </header>
  );
}

"use client";
// A pipeline's graph coloured by its last run; clicking a node shows its definition.
import { useState } from "react";
import { AddTestForm } from "./add-test-form";
import { DagView } from "./dag-view";
import { StatusBadge } from "./status-badge";
import type { LayoutWire } from "./types";

export interface GraphNode {
  id: string;
  type: string;
  description?: string;
  depends_on: string[];
  timeout: string;
  retries: { attempts: number };
  [key: string]: unknown;
}

const HIDDEN = new Set(["id", "type", "description", "depends_on", "timeout_ms", "retries", "memory_bytes"]);

/** `addTest`: where "Add test" commits (the Kitchen, pipeline and the branch head shown). */
export function PipelineGraph({ layout, nodes, statuses, lastRunId, addTest }: { layout: LayoutWire; nodes: GraphNode[]; statuses: Record<string, string>; lastRunId: string | null; addTest?: { kitchen: string; pipeline: string; head: string } }) {
  const [selected, setSelected] = useState<string | null>(null);
  const types = Object.fromEntries(nodes.map((n) => [n.id, n.type]));
  const node = nodes.find((n) => n.id === selected);
  return (
    <div className="space-y-3">
      <DagView layout={layout} types={types} statuses={statuses} selected={selected} onSelect={(id) => setSelected(id === selected ? null : id)} caption={lastRunId ? "coloured by the last run" : "not run yet"} />
      {node && (
        <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="pipeline-node">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-mono font-semibold">{node.id}</span>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{node.type}</span>
            {statuses[node.id] && <span className="text-xs text-slate-500">last run: <StatusBadge status={statuses[node.id]} /></span>}
          </div>
          {node.description && <p className="mt-1 text-slate-600">{node.description}</p>}
          <p className="mt-1 text-xs text-slate-500">
            after {node.depends_on.length ? node.depends_on.join(", ") : "nothing (a root)"} · timeout {node.timeout} · {node.retries.attempts} retr{node.retries.attempts === 1 ? "y" : "ies"}
          </p>
          <pre className="mt-2 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-xs text-slate-800">
            {JSON.stringify(Object.fromEntries(Object.entries(node).filter(([k, v]) => !HIDDEN.has(k) && !(Array.isArray(v) && v.length === 0) && !(v && typeof v === "object" && Object.keys(v).length === 0))), null, 2)}
          </pre>
          {addTest && <AddTestForm key={node.id} kitchen={addTest.kitchen} pipeline={addTest.pipeline} node={node.id} head={addTest.head} />}
        </div>
      )}
    </div>
  );
}

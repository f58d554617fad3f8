// The pipeline graph as SVG from layoutDag: boxes with the node id and a type icon, edges with
// arrows, coloured by node status. No hooks, so server pages and live client views share it.
import type { LayoutWire } from "./types";
import { nodeStyle } from "./status";

/** Boxes a little narrower than layoutDag's default, so a four-layer pipeline fits beside the run form. */
export const DAG_LAYOUT = { nodeWidth: 168, layerGap: 56 } as const;

export interface DagViewProps {
  layout: LayoutWire;
  types: Record<string, string>;
  statuses: Record<string, string | undefined>;
  selected?: string | null;
  onSelect?: (nodeId: string) => void;
  /** Shown in the accessible name, e.g. "last run". */
  caption?: string;
}

function SqlIcon({ className }: { className: string }) {
  // A database cylinder.
  return (
    <g className={className} fill="none" strokeWidth={1.5}>
      <ellipse cx={8} cy={3.5} rx={6} ry={2.5} />
      <path d="M2 3.5v9c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5v-9" />
      <path d="M2 8c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5" />
    </g>
  );
}

function ContainerIcon({ className }: { className: string }) {
  // A box (a container image).
  return (
    <g className={className} fill="none" strokeWidth={1.5} strokeLinejoin="round">
      <path d="M8 1 14.5 4.5v7L8 15 1.5 11.5v-7Z" />
      <path d="M1.5 4.5 8 8l6.5-3.5M8 8v7" />
    </g>
  );
}

type Box = { x: number; y: number };

/**
 * layoutDag has no dummy nodes, so an edge that skips layers could run under the boxes between.
 * Such edges take a free horizontal channel (a row's centre line or the gap beside a box) across
 * the layers they skip.
 */
function edgePath(from: Box, to: Box, w: number, h: number, all: Box[]): string {
  const x1 = from.x + w;
  const y1 = from.y + h / 2;
  const x2 = to.x - 3;
  const y2 = to.y + h / 2;
  const between = all.filter((n) => n.x > from.x && n.x < to.x);
  if (between.length === 0) {
    const dx = Math.max(24, (x2 - x1) / 2);
    return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  }
  const free = (y: number) => between.every((n) => y < n.y - 3 || y > n.y + h + 3);
  const candidates = [y1, y2, ...between.flatMap((n) => [n.y - 10, n.y + h + 10])].filter(free);
  const channel = candidates.sort((a, b) => Math.abs(a - y1) + Math.abs(a - y2) - (Math.abs(b - y1) + Math.abs(b - y2)))[0] ?? y1;
  const lead = Math.min(28, (Math.min(...between.map((n) => n.x)) - x1) / 2);
  return `M${x1},${y1} C${x1 + lead},${y1} ${x1 + lead},${channel} ${x1 + 2 * lead},${channel} L${x2 - 2 * lead},${channel} C${x2 - lead},${channel} ${x2 - lead},${y2} ${x2},${y2}`;
}

/** Monospace 11px is about 6.7 px a character; the id starts after the icon. */
const idChars = (boxWidth: number) => Math.max(6, Math.floor((boxWidth - 42) / 6.7));

export function DagView({ layout, types, statuses, selected, onSelect, caption }: DagViewProps) {
  const pos = new Map(layout.nodes.map((n) => [n.id, n]));
  const w = layout.nodeWidth;
  const h = layout.nodeHeight;
  const maxChars = idChars(w);
  const width = Math.max(layout.width, 200);
  const height = Math.max(layout.height, 60);
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      {/* Shrinks to fit up to a quarter (text stays legible), then scrolls. */}
      <svg
        width="100%"
        viewBox={`0 0 ${width} ${height}`}
        style={{ maxWidth: width, minWidth: width * 0.75 }}
        role="img"
        aria-label={`pipeline graph${caption ? ` (${caption})` : ""}: ${layout.nodes.length} nodes`}
        data-testid="dag"
        className="block"
      >
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="fill-slate-400" />
          </marker>
          <marker id="dag-arrow-done" viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="fill-emerald-500" />
          </marker>
          <pattern id="dag-stripes" width={8} height={8} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width={8} height={8} fill="#f1f5f9" />
            <rect width={4} height={8} fill="#e2e8f0" />
          </pattern>
        </defs>
        {layout.edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          const done = statuses[e.from] === "succeeded" || statuses[e.from] === "reused";
          return (
            <path
              key={`${e.from}->${e.to}`}
              d={edgePath(a, b, w, h, layout.nodes)}
              fill="none"
              strokeWidth={1.5}
              className={done ? "stroke-emerald-500" : "stroke-slate-300"}
              markerEnd={`url(#${done ? "dag-arrow-done" : "dag-arrow"})`}
            />
          );
        })}
        {layout.nodes.map((n) => {
          const status = statuses[n.id];
          const s = nodeStyle(status);
          const isSelected = selected === n.id;
          const label = n.id.length > maxChars ? `${n.id.slice(0, maxChars - 1)}…` : n.id;
          const Icon = types[n.id] === "sql" ? SqlIcon : ContainerIcon;
          return (
            <g
              key={n.id}
              transform={`translate(${n.x},${n.y})`}
              data-testid="dag-node"
              data-node={n.id}
              data-status={status ?? "none"}
              role={onSelect ? "button" : undefined}
              tabIndex={onSelect ? 0 : undefined}
              aria-label={`${n.id}: ${types[n.id] ?? ""} node, ${s.label}`}
              aria-pressed={onSelect ? isSelected : undefined}
              onClick={onSelect ? () => onSelect(n.id) : undefined}
              onKeyDown={onSelect ? (ev) => (ev.key === "Enter" || ev.key === " ") && (ev.preventDefault(), onSelect(n.id)) : undefined}
              className={onSelect ? "cursor-pointer outline-none focus-visible:[&>rect]:stroke-slate-900" : undefined}
            >
              <title>{`${n.id} (${types[n.id] ?? "?"}): ${s.label}`}</title>
              {isSelected && <rect x={-4} y={-4} width={w + 8} height={h + 8} rx={10} className="fill-none stroke-slate-900" strokeWidth={2} />}
              <rect
                width={w}
                height={h}
                rx={7}
                strokeWidth={1.5}
                strokeDasharray={s.dashed ? "5 3" : undefined}
                fill={s.striped ? "url(#dag-stripes)" : undefined}
                className={s.box}
              />
              <g transform={`translate(10,${h / 2 - 8})`}>
                <Icon className={s.icon} />
              </g>
              <text x={34} y={h / 2 - 3} className="fill-slate-900 font-mono text-[11px] font-semibold">{label}</text>
              <text x={34} y={h / 2 + 12} className={`${s.text} text-[10px]`}>{types[n.id] ?? ""} · {s.label}</text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

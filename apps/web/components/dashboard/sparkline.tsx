// A tiny duration trend drawn on the server (one per pipeline row: a chart library per row
// would cost more than the whole table).
export function Sparkline({ values, width = 96, height = 24 }: { values: (number | null)[]; width?: number; height?: number }) {
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return <span className="text-xs text-slate-400">–</span>;
  const max = Math.max(...known);
  const min = Math.min(...known);
  const span = max - min || 1;
  const step = width / Math.max(1, values.length - 1);
  const segments: string[] = [];
  let pen = "M";
  values.forEach((v, i) => {
    if (v === null) {
      pen = "M";
      return;
    }
    segments.push(`${pen}${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`);
    pen = "L";
  });
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-label="duration trend" className="overflow-visible">
      <path d={segments.join(" ")} fill="none" stroke="#334155" strokeWidth={1.25} />
    </svg>
  );
}

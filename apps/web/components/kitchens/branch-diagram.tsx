// Two branches from their merge base, drawn: the parent's commits the Kitchen lacks (behind) on
// top, the Kitchen's own commits (ahead) below. At most 8 dots per line; more become "+N".

const MAX_DOTS = 8;
const STEP = 26;

function dots(n: number) {
  return Array.from({ length: Math.min(n, MAX_DOTS) }, (_, i) => i);
}

export function BranchDiagram({ parent, kitchen, ahead, behind }: { parent: string; kitchen: string; ahead: number; behind: number }) {
  const width = 120 + MAX_DOTS * STEP + 60;
  const topY = 22;
  const botY = 70;
  const x0 = 24;
  const xb = x0 + 40; // where the branches part
  const endTop = xb + Math.max(1, Math.min(behind, MAX_DOTS)) * STEP + 10;
  const endBot = xb + Math.max(1, Math.min(ahead, MAX_DOTS)) * STEP + 10;
  return (
    <svg viewBox={`0 0 ${width} 92`} className="h-auto w-full max-w-xl" role="img" aria-label={`${kitchen} is ${ahead} commit(s) ahead of and ${behind} behind ${parent}`} data-testid="branch-diagram">
      <line x1={x0} y1={topY} x2={endTop} y2={topY} stroke="#0ea5e9" strokeWidth="3" strokeLinecap="round" />
      <path d={`M ${xb - 14} ${topY} C ${xb} ${topY}, ${xb} ${botY}, ${xb + 16} ${botY} L ${endBot} ${botY}`} fill="none" stroke="#8b5cf6" strokeWidth="3" strokeLinecap="round" />
      <circle cx={xb - 14} cy={topY} r="5" fill="#fff" stroke="#64748b" strokeWidth="2">
        <title>merge base</title>
      </circle>
      {dots(behind).map((i) => (
        <circle key={`b${i}`} cx={xb + (i + 1) * STEP} cy={topY} r="5" fill="#0ea5e9" />
      ))}
      {dots(ahead).map((i) => (
        <circle key={`a${i}`} cx={xb + (i + 1) * STEP} cy={botY} r="5" fill="#8b5cf6" />
      ))}
      {behind > MAX_DOTS && <text x={endTop + 6} y={topY + 4} className="fill-slate-500 text-[11px]">+{behind - MAX_DOTS}</text>}
      {ahead > MAX_DOTS && <text x={endBot + 6} y={botY + 4} className="fill-slate-500 text-[11px]">+{ahead - MAX_DOTS}</text>}
      <text x={endTop + (behind > MAX_DOTS ? 34 : 10)} y={topY + 4} className="fill-sky-700 font-mono text-[12px]">{parent} · {behind} behind</text>
      <text x={endBot + (ahead > MAX_DOTS ? 34 : 10)} y={botY + 4} className="fill-violet-700 font-mono text-[12px]">{kitchen} · {ahead} ahead</text>
    </svg>
  );
}

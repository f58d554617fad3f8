// A node's data tests in a run: value, limits and verdict of each, with example failing rows.
import type { TTestResultView } from "@/lib/read-models/runs";

type TestWire = Omit<TTestResultView, never>;

const VERDICT_STYLE: Record<string, string> = {
  passed: "bg-emerald-50 text-emerald-700 ring-emerald-300",
  warned: "bg-amber-50 text-amber-800 ring-amber-400",
  failed: "bg-rose-50 text-rose-700 ring-rose-300",
  error: "bg-rose-100 text-rose-900 ring-rose-400",
};

const num = (n: number | null) => (n === null ? "–" : Number.isInteger(n) ? String(n) : Number(n.toPrecision(6)).toString());

function limits(t: TestWire): string {
  if (t.lowerLimit === null && t.upperLimit === null) return "–";
  if (t.lowerLimit !== null && t.upperLimit !== null) return t.lowerLimit === t.upperLimit ? `= ${num(t.lowerLimit)}` : `${num(t.lowerLimit)} … ${num(t.upperLimit)}`;
  return t.lowerLimit !== null ? `≥ ${num(t.lowerLimit)}` : `≤ ${num(t.upperLimit)}`;
}

export function NodeTests({ tests }: { tests: TestWire[] }) {
  if (tests.length === 0) return null;
  const tally = tests.reduce<Record<string, number>>((a, t) => ((a[t.verdict] = (a[t.verdict] ?? 0) + 1), a), {});
  return (
    <div className="mt-3" data-testid="node-tests">
      <h4 className="text-xs font-medium text-slate-500">
        Tests · {Object.entries(tally).map(([v, n]) => `${n} ${v}`).join(" · ")}
      </h4>
      <div className="mt-1 overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-medium">test</th>
              <th className="py-1 pr-3 font-medium">level</th>
              <th className="py-1 pr-3 font-medium">verdict</th>
              <th className="py-1 pr-3 font-medium">value</th>
              <th className="py-1 pr-3 font-medium">limits</th>
              <th className="py-1 pr-3 font-medium">mean ± σ</th>
              <th className="py-1 font-medium">detail</th>
            </tr>
          </thead>
          <tbody>
            {tests.map((t) => (
              <tr key={`${t.name}-${t.attempt}`} className="border-t border-slate-100 align-top" data-testid="test-row" data-test={t.name} data-verdict={t.verdict}>
                <td className="py-1 pr-3 font-mono text-slate-900">{t.name}<div className="text-xs text-slate-400">{t.kind}</div></td>
                <td className="py-1 pr-3 text-xs text-slate-600">{t.level}</td>
                <td className="py-1 pr-3">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${VERDICT_STYLE[t.verdict] ?? ""}`} data-testid="test-verdict">{t.verdict}</span>
                </td>
                <td className="py-1 pr-3 font-mono" data-testid="test-value">{num(t.value)}</td>
                <td className="py-1 pr-3 font-mono text-xs text-slate-700" data-testid="test-limits">{limits(t)}</td>
                <td className="py-1 pr-3 font-mono text-xs text-slate-700">{t.mean === null ? "–" : `${num(t.mean)}${t.sigma !== null ? ` ± ${num(t.sigma)}` : ""}`}</td>
                <td className="py-1 text-xs text-slate-700">
                  <span data-testid="test-message">{t.message}</span>
                  {t.rule && t.verdict !== "error" && <span className="ml-1 rounded bg-slate-100 px-1 font-mono text-slate-600">{t.rule}</span>}
                  {t.examples && t.examples.length > 0 && (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-slate-500">{t.examples.length} example row{t.examples.length > 1 ? "s" : ""}{t.failingRows !== null ? ` of ${t.failingRows}` : ""}</summary>
                      <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-50 p-2 text-[11px]" data-testid="test-examples">{t.examples.map((e) => JSON.stringify(e)).join("\n")}</pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

// Merging a Kitchen's branch into its parent, conflict check included, as a person clicking "Merge" waits for it.
// Repository: ~500 files. Each round makes a fresh parent/child pair; the child changes 100 files and the parent
// meanwhile changes 10 others, so every merge is a real three-way merge with a merge commit (not a fast-forward).
// Timed: mergePreview(child, parent) + merge(child, parent). Usage: pnpm bench kitchen-merge [rounds]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AnalyticsRepo } from "@galley/git";

const ROUNDS = Math.max(20, Number(process.argv[2] ?? 30));
const FILES = 500;
const CHANGED = 100;
const author = { name: "Bench", email: "bench@example.com" };

const sql = (i: number, tag: string) =>
  Array.from({ length: 40 }, (_, l) => `select ${l} as line, '${tag}' as tag, ${i} as file from schema_${i % 7}.table_${l};`).join("\n") + "\n";
const filePath = (i: number) => `pipelines/p${String(i % 25).padStart(2, "0")}/step_${i}.sql`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const root = mkdtempSync(path.join(tmpdir(), "galley-bench-merge-"));
  try {
    const repo = await AnalyticsRepo.init(path.join(root, "repo.git"), { defaultBranch: "main" });
    const files = Object.fromEntries(Array.from({ length: FILES }, (_, i) => [filePath(i), sql(i, "base")]));
    await repo.seed("main", files, author, "500 files");
    const total: number[] = [];
    const preview: number[] = [];
    const commit100: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const parent = `dev_${r}`;
      const child = `dev_${r}_kitchen`;
      await repo.createBranch(parent, "main");
      await repo.createBranch(child, parent);
      const childChanges = Array.from({ length: CHANGED }, (_, k) => ({ path: filePath(k * 5), content: sql(k * 5, `child ${r}`) }));
      const c0 = performance.now();
      await repo.commitFiles(child, { changes: childChanges, message: "child work", author });
      commit100.push(performance.now() - c0);
      const parentChanges = Array.from({ length: 10 }, (_, k) => ({ path: filePath(k * 5 + 1), content: sql(k * 5 + 1, `parent ${r}`) }));
      await repo.commitFiles(parent, { changes: parentChanges, message: "parent work", author });

      const t0 = performance.now();
      const p = await repo.mergePreview(child, parent);
      const t1 = performance.now();
      if (p.conflicts.length > 0 || p.files.length !== CHANGED) throw new Error(`unexpected preview: ${p.conflicts.length} conflicts, ${p.files.length} files`);
      const m = await repo.merge(child, parent, { author, expectedTargetHead: p.targetHead, expectedSourceHead: p.sourceHead });
      const t2 = performance.now();
      if (m.fastForward || m.upToDate) throw new Error("expected a merge commit");
      preview.push(t1 - t0);
      total.push(t2 - t0);
    }
    total.sort((a, b) => a - b);
    preview.sort((a, b) => a - b);
    commit100.sort((a, b) => a - b);
    const f = (x: number) => x.toFixed(1);
    console.log(`bench kitchen-merge p50_ms=${f(percentile(total, 50))} p99_ms=${f(percentile(total, 99))} n=${ROUNDS}`);
    console.log(`bench kitchen-merge preview_p50_ms=${f(percentile(preview, 50))} preview_p99_ms=${f(percentile(preview, 99))} n=${ROUNDS}`);
    console.log(`bench kitchen-merge commit100_p50_ms=${f(percentile(commit100, 50))} n=${ROUNDS}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();

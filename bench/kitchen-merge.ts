// Merging a Kitchen into its parent as a person clicking "Merge" waits for it, through the use
// cases (previewMerge + mergeKitchen: access check, merge lock, git three-way merge, Merge row,
// audit), not only the git layer. Repository: ~500 files. Each round makes a fresh parent/child
// pair of Kitchens (not timed); the child changes 100 files and the parent meanwhile changes 10
// others, so every merge is a real three-way merge with a merge commit (not a fast-forward).
// Usage: pnpm bench kitchen-merge [rounds]
import setupTemplate from "../packages/db/src/testing/global-setup";
import { createKitchen, mergeKitchen, previewMerge } from "@galley/kitchens";
import { BASE_FILES, createKitchenFixture } from "../packages/kitchens/src/testing/fixture";

const ROUNDS = Math.max(10, Number(process.argv[2] ?? 20));
const FILES = 500;
const CHANGED = 100;
const author = { name: "Bench", email: "bench@example.com" };

const sql = (i: number, tag: string) =>
  Array.from({ length: 40 }, (_, l) => `select ${l} as line, '${tag}' as tag, ${i} as file from schema_${i % 7}.table_${l};`).join("\n") + "\n";
const filePath = (i: number) => `pipelines/p${String(i % 25).padStart(2, "0")}/step_${i}.sql`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

await setupTemplate();
const files = { ...BASE_FILES, ...Object.fromEntries(Array.from({ length: FILES }, (_, i) => [filePath(i), sql(i, "base")])) };
const f = await createKitchenFixture({ files });
try {
  const who = f.users.padma;
  const total: number[] = [];
  const preview: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const parent = `mp_${process.pid}_${r}`;
    const child = `mc_${process.pid}_${r}`;
    await createKitchen(f.deps, { name: parent, parent: "dev" }, who);
    await createKitchen(f.deps, { name: child, parent }, who);
    await f.repo.commitFiles(child, { changes: Array.from({ length: CHANGED }, (_, k) => ({ path: filePath(k * 5), content: sql(k * 5, `child ${r}`) })), message: "child work", author });
    await f.repo.commitFiles(parent, { changes: Array.from({ length: 10 }, (_, k) => ({ path: filePath(k * 5 + 1), content: sql(k * 5 + 1, `parent ${r}`) })), message: "parent work", author });

    const t0 = performance.now();
    const p = await previewMerge(f.deps, { kitchen: child, direction: "up" }, who);
    const t1 = performance.now();
    if (p.conflicts.length > 0 || p.files.length !== CHANGED) throw new Error(`unexpected preview: ${p.conflicts.length} conflicts, ${p.files.length} files`);
    const m = await mergeKitchen(f.deps, { kitchen: child, direction: "up" }, who);
    const t2 = performance.now();
    if (m.status !== "committed" || m.fastForward || m.upToDate) throw new Error(`expected a merge commit, got ${JSON.stringify(m)}`);
    preview.push(t1 - t0);
    total.push(t2 - t0);
  }
  total.sort((a, b) => a - b);
  preview.sort((a, b) => a - b);
  const fmt = (x: number) => x.toFixed(1);
  console.log(`bench kitchen-merge p50_ms=${fmt(percentile(total, 50))} p99_ms=${fmt(percentile(total, 99))} n=${ROUNDS}`);
  console.log(`bench kitchen-merge preview_p50_ms=${fmt(percentile(preview, 50))} preview_p99_ms=${fmt(percentile(preview, 99))} n=${ROUNDS}`);
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await f.cleanup();
  process.exit(process.exitCode ?? 0);
}

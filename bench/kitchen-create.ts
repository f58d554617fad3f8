// createKitchen end to end (check + branch + schema + rows) and deleteKitchen, through
// @galley/kitchens with real git, PostgreSQL and vault. Parent Kitchen: schema of 100 tables
// (10 × 100,000 rows, 90 × 100 rows; database galley_bench_wh, shared with kitchen-create-data)
// and a repository of 300 files. Usage: pnpm bench kitchen-create [viewRuns=50] [copyRuns=5] [cycles=0]
// `cycles` adds that many view create/delete cycles and checks nothing is left behind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import setupTemplate from "../packages/db/src/testing/global-setup";
import { createTestDatabase } from "@galley/db/testing";
import { AnalyticsRepo } from "@galley/git";
import { createKitchen, deleteKitchen, EnvironmentWarehouses, warehouseSchemas, type KitchenActor, type KitchensDeps } from "@galley/kitchens";
import { createKeyring, generateKek, parseKek, setSecret } from "@galley/vault";
import type { Warehouse } from "@galley/warehouse";
import { BENCH_WH, openBenchParent, PARENT } from "./_bench-parent";

const { host: HOST, port: PORT, user: USER, database: DB } = BENCH_WH;
const VIEW_RUNS = Number(process.argv[2] ?? 50);
const COPY_RUNS = Number(process.argv[3] ?? 5);
const CYCLES = Number(process.argv[4] ?? 0);

async function ensureWarehouse(): Promise<Warehouse> {
  const wh = await openBenchParent();
  const stale = await wh.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bk\\_%'`);
  for (const s of stale.rows) await wh.query(`DROP SCHEMA "${s.nspname}" CASCADE`);
  return wh;
}

function repoFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let p = 0; p < 30; p++) {
    files[`pipelines/p${p}/pipeline.yaml`] = `name: p${p}\nnodes:\n  - id: a\n    type: sql\n    sql_file: a.sql\n`;
    for (let f = 0; f < 9; f++) files[`pipelines/p${p}/${f === 0 ? "a" : `part_${f}`}.sql`] = `-- pipeline ${p} part ${f}\nselect ${p * 10 + f} as n from big_00 limit 10;\n`;
  }
  return files;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10;
}

async function main(): Promise<void> {
  await setupTemplate();
  const t = await createTestDatabase();
  const wh = await ensureWarehouse();
  const root = mkdtempSync(path.join(tmpdir(), "galley-bench-kitchens-"));
  const repo = await AnalyticsRepo.init(path.join(root, "repo.git"), { defaultBranch: PARENT });
  await repo.seed(PARENT, repoFiles(), { name: "Bench", email: "bench@galley.local" }, "300 files");
  const db = t.db;
  const u = await db.user.create({ data: { email: "padma@bench.local", name: "Padma", role: "developer", passwordHash: "unused" } });
  const actor: KitchenActor = { id: u.id, email: u.email, name: u.name, role: "developer" };
  const env = await db.environment.create({ data: { name: "development", kind: "development", warehouseHost: HOST, warehousePort: PORT, warehouseDb: DB, warehouseUser: USER, dataPolicy: { default: "view" } } });
  const keyring = createKeyring(parseKek(generateKek(), "bench"));
  await setSecret({ db, keyring }, { environmentId: env.id, name: "WAREHOUSE_PASSWORD", value: "trust-auth-ignores-it", actorId: u.id });
  await db.kitchen.create({
    data: { name: PARENT, branch: PARENT, schemaName: PARENT, environmentId: env.id, staff: { create: { userId: u.id, isOwner: true } }, variables: { create: [{ name: "REGION", value: "all" }] } },
  });
  const warehouses = new EnvironmentWarehouses(db, { keyring: () => keyring, applicationName: "galley-bench" });
  const deps: KitchensDeps = { db, git: repo, warehouses, schemas: warehouseSchemas };
  let seq = 0;
  const cycle = async (dataPolicy?: object) => {
    const name = `bk_${process.pid}_${seq++}`;
    const t0 = performance.now();
    const { report } = await createKitchen(deps, { name, parent: PARENT, dataPolicy }, actor);
    const created = performance.now() - t0;
    await deleteKitchen(deps, { name, confirm: name }, actor);
    if (report.tables.length !== 100) throw new Error(`expected 100 tables, got ${report.tables.length}`);
    return { created, deleted: performance.now() - t0 - created, steps: report.steps };
  };
  const timeRuns = async (label: string, runs: number, policy?: object) => {
    const out: Awaited<ReturnType<typeof cycle>>[] = [];
    for (let i = -2; i < runs; i++) {
      const c = await cycle(policy);
      if (i >= 0) out.push(c); // two warm-up runs
    }
    const steps = ["check", "branch", "schema", "records"].map((s) => `${s}=${percentile(out.map((c) => c.steps.find((x) => x.step === s)?.ms ?? 0), 50)}`).join(" ");
    console.error(`${label}: create p50=${percentile(out.map((c) => c.created), 50)} ms p99=${percentile(out.map((c) => c.created), 99)} ms, delete p50=${percentile(out.map((c) => c.deleted), 50)} ms; step p50s ${steps}`);
    return out;
  };
  try {
    const view = await timeRuns("view", VIEW_RUNS);
    const sample = await timeRuns("sample10", COPY_RUNS, { default: "sample", sample: { percent: 10 } });
    const copy = await timeRuns("copy", COPY_RUNS, { default: "copy" });
    console.log(
      `bench kitchen-create p50_ms=${percentile(view.map((c) => c.created), 50)} p99_ms=${percentile(view.map((c) => c.created), 99)} ` +
        `delete_p50_ms=${percentile(view.map((c) => c.deleted), 50)} sample10_p50_ms=${percentile(sample.map((c) => c.created), 50)} ` +
        `copy_p50_ms=${percentile(copy.map((c) => c.created), 50)} n=${view.length}`,
    );
    if (CYCLES > 0) {
      const t0 = performance.now();
      for (let i = 0; i < CYCLES; i++) await cycle();
      const schemas = await wh.query(`SELECT 1 FROM pg_namespace WHERE nspname LIKE 'bk\\_%'`);
      const branches = (await repo.listBranches()).filter((b) => b.name !== PARENT);
      const live = await db.kitchen.count({ where: { deletedAt: null, name: { not: PARENT } } });
      const deleted = await db.kitchen.count({ where: { status: "deleted" } });
      console.log(
        `bench kitchen-create-cycles cycles=${CYCLES} orphan_schemas=${schemas.rowCount} orphan_branches=${branches.length} orphan_live_rows=${live} ` +
          `deleted_rows=${deleted} mean_cycle_ms=${Math.round((performance.now() - t0) / CYCLES)}`,
      );
    }
  } finally {
    await warehouses.closeAll();
    await wh.close();
    await t.drop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

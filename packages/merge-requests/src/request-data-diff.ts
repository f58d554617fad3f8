import { AppError } from "@galley/core";
import { listTables, diffTables, type TableDiff } from "@galley/warehouse";
import { loadPipelines } from "@galley/pipelines";
import { changedPipelines, type KitchenActor } from "@galley/kitchens";
import type { MergeRequestsDeps } from "./deps";
import { getRequestForActorOrThrow } from "./request-access";
import { tablesWrittenBy } from "./tables-written";

const MAX_TABLES = 20;

export type TableDiffEntry =
  | ({ status: "compared" } & TableDiff)
  | { status: "new"; table: string; rows: number }
  | { status: "missing"; table: string; message: string }
  | { status: "error"; table: string; message: string };

/**
 * The data diff of a request: each table the changed pipelines write, compared between the
 * source Kitchen's schema and the target's, inside the warehouse(s) (counts, hashes and a few
 * example rows come back; never whole tables). Container nodes' writes are invisible to SQL
 * analysis, so a pipeline with containers also compares the tables the source has materialised.
 */
export async function requestDataDiff(deps: MergeRequestsDeps, id: string, actor: KitchenActor): Promise<{ tables: TableDiffEntry[]; truncated: boolean }> {
  const ctx = await getRequestForActorOrThrow(deps, id, actor);
  const { source, target } = ctx;
  if (ctx.request.status !== "open" || source.deletedAt) throw new AppError("invalid_input", `merge request #${ctx.request.number} is ${ctx.request.status}: the data diff compares the Kitchens of open requests`, { field: "id" });
  const head = await deps.git.headOf(source.branch);
  const changed = (await deps.git.compare(target.branch, source.branch)).files.map((f) => f.path);
  const names = new Set(changedPipelines(changed));
  const { files } = await deps.git.readAllTextFiles(head, "pipelines/");
  const { pipelines } = loadPipelines(files);
  const [src, tgt] = await Promise.all([deps.warehouses.forEnvironment(source.environmentId), deps.warehouses.forEnvironment(target.environmentId)]);
  const tables = new Set<string>();
  const keys: Record<string, string[]> = {};
  let opaque = false;
  for (const p of pipelines) {
    if (!names.has(p.name)) continue;
    const prefix = `pipelines/${p.name}/`;
    const sources = Object.fromEntries(files.filter((f) => f.path.startsWith(prefix) && f.path.endsWith(".sql")).map((f) => [f.path.slice(prefix.length), f.content]));
    const w = tablesWrittenBy(p, sources);
    w.tables.forEach((t) => tables.add(t));
    Object.assign(keys, w.keys);
    opaque ||= w.opaque;
  }
  const sourceTables = await listTables(src.wh, source.schemaName);
  if (opaque) for (const t of sourceTables) if (t.kind === "table") tables.add(t.name);
  const targetTables = new Set((await listTables(tgt.wh, target.schemaName)).filter((t) => t.kind === "table").map((t) => t.name));
  const sourceKinds = new Map(sourceTables.map((t) => [t.name, t]));
  const list = [...tables].sort();
  const out: TableDiffEntry[] = [];
  for (const table of list.slice(0, MAX_TABLES)) {
    const s = sourceKinds.get(table);
    if (!s || s.kind !== "table") {
      out.push({ status: "missing", table, message: s ? `${source.name}.${table} is a ${s.kind}, not a table: run the pipeline in ${source.name} first` : `${source.name} has no table ${table}: run the pipeline in ${source.name} first` });
      continue;
    }
    if (!targetTables.has(table)) {
      out.push({ status: "new", table, rows: s.rows ?? 0 });
      continue;
    }
    try {
      out.push({ status: "compared", ...(await diffTables({ source: { wh: src.wh, schema: source.schemaName, table }, target: { wh: tgt.wh, schema: target.schemaName, table }, key: keys[table] })) });
    } catch (e) {
      out.push({ status: "error", table, message: (e as Error).message });
    }
  }
  return { tables: out, truncated: list.length > MAX_TABLES };
}

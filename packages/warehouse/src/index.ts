export { openWarehouse, connFromUrl, type Warehouse, type WarehouseConn, type OpenWarehouseOptions, type Tx, type QueryResult } from "./warehouse";
export type { Capabilities } from "./select-builder";
export {
  ZDataPolicy,
  ZDataMode,
  ZSample,
  ZMask,
  parseDataPolicy,
  planTables,
  DEFAULT_SAMPLE,
  type TDataPolicy,
  type TDataMode,
  type TSample,
  type TMask,
  type TablePlan,
} from "./data-policy";
export { createKitchenSchema, type CreateKitchenSchemaInput, type KitchenSchemaReport, type KitchenTableReport } from "./create-kitchen-schema";
export { syncKitchenViews } from "./sync-kitchen-views";
export { dropSchema, schemaExists, listTables, type TableInfo, type DropSchemaResult } from "./catalog";
export { withDependentViewsPreserved, repairViews, viewsLockKey, type ViewsReport, type ViewJournal, type CapturedView } from "./view-binding";
export { prepareWrite, prepareDeclaredWrites, type PrepareWriteReport } from "./prepare-write";
export { runSql, metric, type RunSqlInput, type RunSqlResult } from "./run-sql";
export { withTestSession, type TestSessionQuery } from "./test-session";
export { ensureKitchenRole, dropKitchenRole, kitchenRoleName, readerRoleName } from "./roles";
export { scramSha256Verifier } from "./scram";
export { analyzeScript, type ScriptAnalysis, type WriteTarget, type WriteKind } from "./sql-targets";
export { diffTables, type DiffTablesInput, type DiffSide, type TableDiff } from "./data-diff";
export { ensureGalleyRole, galleyRoleName } from "./galley-role";
export type { GalleyRoleOptions } from "./galley-role";

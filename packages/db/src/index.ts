export * from "./client";
export * from "./transaction";
export { migrate, ensureDatabase, readMigrations, MigrationError, MIGRATIONS_DIR } from "./migrate";
export * from "./generated/client";
export { listen } from "./listen";
export type { ListenHandlers } from "./listen";
export { pruneOlderThan, RETENTION_TABLES } from "./retention";
export type { RetentionTable } from "./retention";
export { tryLeadership } from "./leader";

// Ports of the Kitchens use cases. Each use case takes `Pick<KitchensDeps, ...>` of what it uses;
// apps/web builds the real ones once (lib/kitchens-deps.ts), tests override single members.
import type { Logger } from "@galley/core";
import type { Db } from "@galley/db";
import type { AnalyticsRepo } from "@galley/git";
import { createKitchenSchema, dropKitchenRole, dropSchema, listTables, schemaExists, type Warehouse } from "@galley/warehouse";

/** The analytics repository, as far as Kitchens use it. */
export type KitchenGit = Pick<
  AnalyticsRepo,
  | "createBranch"
  | "deleteBranch"
  | "headOf"
  | "isReachableFrom"
  | "branchExists"
  | "listFiles"
  | "readFile"
  | "readAllTextFiles"
  | "commitFiles"
  | "log"
  | "showCommit"
  | "compare"
  | "mergePreview"
  | "merge"
  | "revert"
>;

export interface EnvironmentWarehouse {
  wh: Warehouse;
  /** Per-environment secret mixed into hash/fake masks (vault secret MASK_SALT), when set. */
  maskSalt?: string;
  /** The password of a Kitchen's LOGIN role in this environment (vault kitchenRolePassword); absent: a NOLOGIN role. */
  kitchenRolePassword?: (schema: string) => string;
}

/** Opens (and pools) an environment's warehouse with its vault credentials. */
export interface WarehousePort {
  forEnvironment(environmentId: string): Promise<EnvironmentWarehouse>;
}

/** Schema operations of @galley/warehouse; a port so tests can make one step fail. */
export interface SchemaPort {
  exists: (wh: Warehouse, schema: string) => Promise<boolean>;
  create: typeof createKitchenSchema;
  drop: typeof dropSchema;
  dropRole: typeof dropKitchenRole;
  list: typeof listTables;
}

export const warehouseSchemas: SchemaPort = { exists: schemaExists, create: createKitchenSchema, drop: dropSchema, dropRole: dropKitchenRole, list: listTables };

export interface KitchensDeps {
  db: Db;
  git: KitchenGit;
  warehouses: WarehousePort;
  schemas: SchemaPort;
  logger?: Logger;
  /** Test hook (GALLEY_CRASH_AT): called at each named step of a durable operation (operations.ts). */
  checkpoint?: (point: string) => void;
  /** How long a silent operation keeps its lease before the janitor takes over (default 15 s). */
  operationLeaseMs?: number;
}

/** Who is acting: a signed-in user (AuthUser fits). */
export interface KitchenActor {
  id: string;
  email: string;
  name: string;
  role: "admin" | "developer" | "dataops" | "production" | "viewer";
}

/** Commits are authored by the person, never by Galley. */
export function authorOf(actor: KitchenActor): { name: string; email: string } {
  return { name: actor.name.replace(/[<>\u0000-\u001f]/g, "").trim() || actor.email, email: actor.email };
}

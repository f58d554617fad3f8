// Plain-object data access for Kitchens. No rules here: the use cases decide.
import type { Db, Prisma, Tx } from "@galley/db";

type Client = Db | Tx;

export const KITCHEN_SELECT = {
  id: true,
  name: true,
  description: true,
  branch: true,
  schemaName: true,
  isPrivate: true,
  isPersistent: true,
  status: true,
  createdById: true,
  createdAt: true,
  lastActivityAt: true,
  parentId: true,
  environmentId: true,
  mergeRules: true,
  deletedAt: true,
  parent: { select: { id: true, name: true, branch: true, schemaName: true, environmentId: true, deletedAt: true } },
  environment: { select: { id: true, name: true, kind: true, dataPolicy: true } },
  staff: { select: { userId: true, isOwner: true }, orderBy: [{ isOwner: "desc" }, { addedAt: "asc" }] },
  // The policy's reviewers: staff of the targets of its open merge requests.
  requestsFrom: { where: { status: "open" }, select: { target: { select: { staff: { select: { userId: true } } } } } },
} satisfies Prisma.KitchenSelect;

export type KitchenRecord = Prisma.KitchenGetPayload<{ select: typeof KITCHEN_SELECT }>;

export function findLiveByName(name: string, client: Client): Promise<KitchenRecord | null> {
  return client.kitchen.findFirst({ where: { name, deletedAt: null }, select: KITCHEN_SELECT });
}

export function findLiveByBranches(branches: string[], client: Client): Promise<KitchenRecord[]> {
  return client.kitchen.findMany({ where: { branch: { in: branches }, deletedAt: null }, select: KITCHEN_SELECT });
}

/** Every live Kitchen's branch with what the access policy needs to decide who may see it. */
export function listLiveBranchFacts(client: Client) {
  return client.kitchen.findMany({
    where: { deletedAt: null },
    select: { name: true, branch: true, isPrivate: true, environment: { select: { kind: true } }, staff: { select: { userId: true, isOwner: true } } },
  });
}

export function findLiveById(id: string, client: Client): Promise<KitchenRecord | null> {
  return client.kitchen.findFirst({ where: { id, deletedAt: null }, select: KITCHEN_SELECT });
}

/** Live or deleted: merge requests and run history outlive their Kitchens. */
export function findAnyById(id: string, client: Client): Promise<KitchenRecord | null> {
  return client.kitchen.findUnique({ where: { id }, select: KITCHEN_SELECT });
}

export async function isNameTaken(name: string, client: Client): Promise<boolean> {
  return (await client.kitchen.count({ where: { deletedAt: null, OR: [{ name }, { branch: name }, { schemaName: name }] } })) > 0;
}

/** An unfinished creation or deletion holds the name (see operations.ts). */
export async function isNameReserved(name: string, client: Client): Promise<boolean> {
  return (await client.operation.count({ where: { subject: name, state: "running", kind: { in: ["kitchen.create", "kitchen.delete"] } } })) > 0;
}

export async function liveChildNames(kitchenId: string, client: Client): Promise<string[]> {
  const rows = await client.kitchen.findMany({ where: { parentId: kitchenId, deletedAt: null }, select: { name: true }, orderBy: { name: "asc" } });
  return rows.map((r) => r.name);
}

/** Locks a live Kitchen row for the transaction; false when it is gone or being deleted. */
export async function lockLiveKitchen(tx: Tx, id: string, mode: "share" | "update"): Promise<boolean> {
  const rows =
    mode === "share"
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM kitchens WHERE id = ${id}::uuid AND deleted_at IS NULL AND status <> 'deleting' FOR SHARE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM kitchens WHERE id = ${id}::uuid AND deleted_at IS NULL AND status <> 'deleting' FOR UPDATE`;
  return rows.length > 0;
}

export function touchActivity(ids: string[], client: Client, at = new Date()) {
  if (ids.length === 0) return Promise.resolve({ count: 0 });
  return client.kitchen.updateMany({ where: { id: { in: ids }, deletedAt: null }, data: { lastActivityAt: at } });
}

export function findUsersByEmails(emails: string[], client: Client) {
  return client.user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true, name: true, disabled: true } });
}

export function findEnvironmentByName(name: string, client: Client) {
  return client.environment.findUnique({ where: { name }, select: { id: true, name: true, kind: true, dataPolicy: true } });
}

export interface AuditEntry {
  actorId: string | null;
  action: string;
  target: string;
  details?: Prisma.InputJsonValue;
  requestId?: string | null;
}

/** The audit log is append-only (a trigger refuses updates and deletes). */
export async function appendAudit(entry: AuditEntry, client: Client): Promise<void> {
  await client.auditLog.create({
    data: { actorId: entry.actorId, action: entry.action, target: entry.target, details: entry.details ?? {}, requestId: entry.requestId ?? null },
    select: { id: true },
  });
}

export const kitchenTarget = (id: string) => `kitchen:${id}`;

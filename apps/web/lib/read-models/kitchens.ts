// Read model of the Kitchen tree for the home page and GET /api/kitchens.
// Moves to @galley/kitchens (as a repository) when the Kitchens issue lands.
import { can, type AuthUser } from "@galley/auth";
import type { Db, Prisma } from "@galley/db";
import { z } from "zod";

export const ZStaffMember = z.object({ id: z.string(), name: z.string(), email: z.string(), isOwner: z.boolean() });

export const ZKitchenRow = z.object({
  id: z.string(),
  name: z.string(),
  parent: z.string().nullable(),
  environment: z.string(),
  environmentKind: z.enum(["development", "production"]),
  branch: z.string(),
  schema: z.string(),
  description: z.string(),
  isPrivate: z.boolean(),
  isPersistent: z.boolean(),
  status: z.string(),
  staff: z.array(ZStaffMember),
  lastActivityAt: z.date(),
  createdAt: z.date(),
});
export type TKitchenRow = z.infer<typeof ZKitchenRow>;

export const ZKitchenDetail = ZKitchenRow.extend({
  children: z.array(z.string()),
  /** Staff of the targets of its open merge requests (ids): the policy lets them read it. */
  reviewers: z.array(z.string()),
  /** Where its alerts go: the routes' names, kinds and health (their URLs stay in the vault). */
  alertRoutes: z.array(z.object({ name: z.string(), kind: z.string(), enabled: z.boolean(), health: z.string() })),
  createdBy: z.string().nullable(),
});
export type TKitchenDetail = z.infer<typeof ZKitchenDetail>;

const SELECT = {
  id: true,
  name: true,
  description: true,
  branch: true,
  schemaName: true,
  isPrivate: true,
  isPersistent: true,
  status: true,
  lastActivityAt: true,
  createdAt: true,
  parent: { select: { name: true } },
  environment: { select: { name: true, kind: true } },
  staff: {
    select: { isOwner: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: [{ isOwner: "desc" }, { addedAt: "asc" }],
  },
} satisfies Prisma.KitchenSelect;

type Selected = { name: string; staff: { isOwner: boolean; user: { id: string; name: string; email: string } }[]; isPrivate: boolean };

function visibleTo(user: AuthUser, k: Selected): boolean {
  // Visibility does not depend on the environment; the policy wants a kind all the same.
  return can(user, "view", { type: "kitchen", name: k.name, isPrivate: k.isPrivate, environmentKind: "development", staff: k.staff.map((s) => ({ userId: s.user.id, isOwner: s.isOwner })) });
}

function toRow(k: {
  id: string; name: string; description: string; branch: string; schemaName: string; isPrivate: boolean; isPersistent: boolean;
  status: string; lastActivityAt: Date; createdAt: Date; parent: { name: string } | null;
  environment: { name: string; kind: "development" | "production" }; staff: Selected["staff"];
}): TKitchenRow {
  return {
    id: k.id,
    name: k.name,
    parent: k.parent?.name ?? null,
    environment: k.environment.name,
    environmentKind: k.environment.kind,
    branch: k.branch,
    schema: k.schemaName,
    description: k.description,
    isPrivate: k.isPrivate,
    isPersistent: k.isPersistent,
    status: k.status,
    staff: k.staff.map((s) => ({ ...s.user, isOwner: s.isOwner })),
    lastActivityAt: k.lastActivityAt,
    createdAt: k.createdAt,
  };
}

/** Live Kitchens the user may see (private ones only for their staff and admins), by name. */
export async function listKitchensForUser(db: Db, user: AuthUser): Promise<TKitchenRow[]> {
  const rows = await db.kitchen.findMany({ where: { deletedAt: null }, select: SELECT, orderBy: { name: "asc" } });
  return rows.filter((k) => visibleTo(user, k)).map(toRow);
}

/**
 * A page of the live Kitchens the user may see, by name after `after` (keyset on the name index).
 * Visibility is the policy's decision, so rows are read in bounded batches until the page is full.
 */
export async function listKitchensPageForUser(db: Db, user: AuthUser, q: { limit: number; after?: string }): Promise<{ kitchens: TKitchenRow[]; nextCursor: string | null }> {
  const out: TKitchenRow[] = [];
  let after = q.after;
  for (let batch = 0; batch < 20; batch++) {
    const take = Math.min(1_000, q.limit * 2);
    const rows = await db.kitchen.findMany({ where: { deletedAt: null, ...(after !== undefined ? { name: { gt: after } } : {}) }, select: SELECT, orderBy: { name: "asc" }, take });
    for (const k of rows) {
      if (!visibleTo(user, k)) continue;
      out.push(toRow(k));
      if (out.length === q.limit) return { kitchens: out, nextCursor: k.name };
    }
    if (rows.length < take) return { kitchens: out, nextCursor: null };
    after = rows[rows.length - 1].name;
  }
  // Many invisible Kitchens in a row: hand back what we have and where to go on.
  return { kitchens: out, nextCursor: after ?? null };
}

/** One live Kitchen by name, or null when it does not exist or the user may not see it. */
export async function findKitchenForUser(db: Db, user: AuthUser, name: string): Promise<TKitchenDetail | null> {
  const k = await db.kitchen.findFirst({
    where: { name, deletedAt: null },
    select: { ...SELECT, createdById: true, alertRoutes: { select: { name: true, kind: true, enabled: true, health: true }, orderBy: { name: "asc" } }, requestsFrom: { where: { status: "open" }, select: { target: { select: { staff: { select: { userId: true } } } } } }, children: { where: { deletedAt: null }, select: { name: true, isPrivate: true, staff: { select: { isOwner: true, user: { select: { id: true, name: true, email: true } } } } }, orderBy: { name: "asc" } } },
  });
  const reviewers = k ? [...new Set(k.requestsFrom.flatMap((r) => r.target.staff.map((s) => s.userId)))] : [];
  if (!k || (!visibleTo(user, k) && !reviewers.includes(user.id))) return null;
  const creator = k.createdById ? await db.user.findUnique({ where: { id: k.createdById }, select: { name: true } }) : null;
  return {
    ...toRow(k),
    children: k.children.filter((c) => visibleTo(user, c)).map((c) => c.name),
    alertRoutes: k.alertRoutes,
    createdBy: creator?.name ?? null,
    reviewers,
  };
}

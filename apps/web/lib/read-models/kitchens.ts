// Read model of the Kitchen tree for the home page and GET /api/kitchens: rows of the process's
// Kitchen directory (lib/kitchen-directory.ts), filtered by the access policy; no query per request.
import { can, type AuthUser } from "@galley/auth";
import type { Db, Prisma } from "@galley/db";
import { childrenPage, kitchensPage, moreRoots, searchKitchens, treeView, type DirectoryKitchen, type KitchenDirectory, type TreeViewNode } from "@galley/kitchens";
import { z } from "zod";
import { kitchenDirectory } from "../kitchen-directory";
import { cachedJsonOf, type CachedJson } from "../responses";

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

/** A directory entry as the API and the pages show it. */
export function directoryRow(k: DirectoryKitchen): TKitchenRow {
  return {
    id: k.id, name: k.name, parent: k.parent, environment: k.environment, environmentKind: k.environmentKind, branch: k.branch, schema: k.schemaName,
    description: k.description, isPrivate: k.isPrivate, isPersistent: k.isPersistent, status: k.status,
    staff: k.staff.map((s) => ({ id: s.userId, name: s.name, email: s.email, isOwner: s.isOwner })),
    lastActivityAt: k.lastActivityAt, createdAt: k.createdAt,
  };
}

/** Live Kitchens the user may see (private ones only for their staff and admins), by name. */
export async function listKitchensForUser(_db: Db, user: AuthUser): Promise<TKitchenRow[]> {
  const dir = await kitchenDirectory();
  return dir.all.filter((k) => visibleTo(user, { name: k.name, isPrivate: k.isPrivate, staff: k.staff.map((s) => ({ isOwner: s.isOwner, user: { id: s.userId, name: s.name, email: s.email } })) })).map(directoryRow);
}

// Each entry's JSON, made (and checked by ZKitchenRow) once per directory load, not per request:
// a page of 200 Kitchens with their staff is ~130 KB, and parsing and serialising it every time
// was most of what GET /api/kitchens cost.
const rowJson = new WeakMap<DirectoryKitchen, string>();
function jsonOf(k: DirectoryKitchen): string {
  let text = rowJson.get(k);
  if (text === undefined) rowJson.set(k, (text = JSON.stringify(ZKitchenRow.parse(directoryRow(k)))));
  return text;
}

// Whole pages as bytes, per copy of the directory: the policy's answer depends on the person's id
// and role only, so a page is made once per person and cursor until the directory changes.
const PAGES_PER_DIRECTORY = 500;
const pageBytes = new WeakMap<KitchenDirectory, Map<string, CachedJson>>();

/** A keyset page (by name) of the live Kitchens the user may see, as the JSON GET /api/kitchens answers. */
export async function kitchensPageJson(user: AuthUser, q: { limit: number; after?: string }): Promise<CachedJson> {
  const dir = await kitchenDirectory();
  let pages = pageBytes.get(dir);
  if (!pages) pageBytes.set(dir, (pages = new Map()));
  const key = JSON.stringify([user.id, user.role, q.limit, q.after ?? null]);
  let bytes = pages.get(key);
  if (!bytes) {
    const page = kitchensPage(dir, user, q);
    bytes = cachedJsonOf(`{"kitchens":[${page.kitchens.map(jsonOf).join(",")}],"nextCursor":${JSON.stringify(page.nextCursor)}}`);
    if (pages.size >= PAGES_PER_DIRECTORY) pages.clear();
    pages.set(key, bytes);
  }
  return bytes;
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

export interface TTreeNode {
  kitchen: TKitchenRow;
  children: TTreeNode[];
  /** Visible children not shown (behind a "more" link to the children view). */
  moreChildren: number;
}

/** The home page's Kitchen tree, bounded however many Kitchens there are (@galley/kitchens kitchen-tree-view.ts). */
export type TKitchenTreeView =
  | { mode: "tree"; roots: TTreeNode[]; moreRoots: number }
  | { mode: "children"; parent: TKitchenRow | null; kitchens: TKitchenRow[]; nextCursor: string | null }
  | { mode: "search"; q: string; kitchens: TKitchenRow[]; more: boolean }
  | { mode: "missing"; name: string };

function treeNode(n: TreeViewNode): TTreeNode {
  return { kitchen: directoryRow(n.kitchen), children: n.children.map(treeNode), moreChildren: n.moreChildren };
}

/** `q`: search by name; `under` (+ `after`): one Kitchen's children a page at a time (`under` "" = the roots); else the tree from the roots. */
export async function kitchenTreeViewFor(user: AuthUser, v: { q?: string; under?: string; after?: string }): Promise<TKitchenTreeView> {
  const dir = await kitchenDirectory();
  if (v.q?.trim()) {
    const found = searchKitchens(dir, user, v.q);
    return { mode: "search", q: v.q.trim(), kitchens: found.kitchens.map(directoryRow), more: found.more };
  }
  if (v.under !== undefined) {
    const page = childrenPage(dir, user, v.under || null, { after: v.after });
    if (!page) return { mode: "missing", name: v.under };
    return { mode: "children", parent: page.parent && directoryRow(page.parent), kitchens: page.kitchens.map(directoryRow), nextCursor: page.nextCursor };
  }
  const roots = treeView(dir, user);
  return { mode: "tree", roots: roots.map(treeNode), moreRoots: moreRoots(dir, user, roots.length) };
}

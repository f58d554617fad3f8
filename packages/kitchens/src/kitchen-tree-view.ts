// What the Kitchen tree shows a person, bounded however many Kitchens there are: the tree from
// its roots with at most `childLimit` children under each Kitchen and `totalLimit` in all (the
// rest behind "more" links), one Kitchen's children a page at a time (keyset by name), or a
// search by name. Pure functions over the directory (kitchen-directory.ts).
import { can, type AuthUser } from "@galley/auth";
import type { DirectoryKitchen, KitchenDirectory } from "./kitchen-directory";

export const TREE_CHILD_LIMIT = 20;
export const TREE_TOTAL_LIMIT = 100;
export const TREE_PAGE_LIMIT = 50;

export interface TreeViewNode {
  kitchen: DirectoryKitchen;
  children: TreeViewNode[];
  /** Visible children not shown here (see childrenPage); 0 when all are. */
  moreChildren: number;
}

/** The tree shows a private Kitchen to its staff and admins only (reviewers reach it by link). */
export function isListedFor(user: AuthUser, k: DirectoryKitchen): boolean {
  return can(user, "view", { type: "kitchen", name: k.name, isPrivate: k.isPrivate, environmentKind: k.environmentKind, staff: k.staff });
}

function visibleChildren(dir: KitchenDirectory, user: AuthUser, id: string | null): DirectoryKitchen[] {
  return dir.childrenOf(id).filter((k) => isListedFor(user, k));
}

/**
 * The forest from the roots, breadth first: every root, then children level by level, at most
 * `childLimit` under one Kitchen (the person's own first) and `totalLimit` nodes in all. A Kitchen the person cannot see
 * hides its subtree here (as a root it would be a Kitchen without context); search finds them.
 */
export function treeView(dir: KitchenDirectory, user: AuthUser, o: { childLimit?: number; totalLimit?: number } = {}): TreeViewNode[] {
  const childLimit = o.childLimit ?? TREE_CHILD_LIMIT;
  const totalLimit = o.totalLimit ?? TREE_TOTAL_LIMIT;
  const top = visibleChildren(dir, user, null)
    .slice(0, Math.min(childLimit, totalLimit))
    .map((kitchen): TreeViewNode => ({ kitchen, children: [], moreChildren: 0 }));
  let shown = top.length;
  const queue = [...top];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    const kids = staffFirst(user, visibleChildren(dir, user, node.kitchen.id));
    for (const kitchen of kids.slice(0, Math.max(0, Math.min(childLimit, totalLimit - shown)))) {
      const child: TreeViewNode = { kitchen, children: [], moreChildren: 0 };
      node.children.push(child);
      queue.push(child);
      shown++;
    }
    node.moreChildren = kids.length - node.children.length;
  }
  return top;
}

/** The person's own Kitchens first (each group by name): a busy parent's first page shows yours. */
function staffFirst(user: AuthUser, kids: DirectoryKitchen[]): DirectoryKitchen[] {
  const mine = kids.filter((k) => k.staff.some((s) => s.userId === user.id));
  return mine.length === 0 || mine.length === kids.length ? kids : [...mine, ...kids.filter((k) => !mine.includes(k))];
}

/** Roots not shown by treeView (more than `childLimit` roots). */
export function moreRoots(dir: KitchenDirectory, user: AuthUser, shownRoots: number): number {
  return visibleChildren(dir, user, null).length - shownRoots;
}

/** One Kitchen's visible children (null: the roots) after `after` by name, a page at a time. */
export function childrenPage(
  dir: KitchenDirectory,
  user: AuthUser,
  parent: string | null,
  o: { after?: string; limit?: number } = {},
): { parent: DirectoryKitchen | null; kitchens: DirectoryKitchen[]; nextCursor: string | null } | null {
  const limit = o.limit ?? TREE_PAGE_LIMIT;
  const p = parent === null ? null : dir.byName.get(parent);
  if (p === undefined || (p && !isListedFor(user, p))) return null;
  const kids = visibleChildren(dir, user, p?.id ?? null).filter((k) => o.after === undefined || k.name > o.after);
  const page = kids.slice(0, limit);
  return { parent: p, kitchens: page, nextCursor: kids.length > limit ? page[page.length - 1].name : null };
}

/** Visible Kitchens whose name contains `q` (case-insensitive), by name, at most `limit`. */
export function searchKitchens(dir: KitchenDirectory, user: AuthUser, q: string, limit = TREE_PAGE_LIMIT): { kitchens: DirectoryKitchen[]; more: boolean } {
  const needle = q.trim().toLowerCase();
  const out: DirectoryKitchen[] = [];
  for (const k of dir.all) {
    if (!k.name.toLowerCase().includes(needle) || !isListedFor(user, k)) continue;
    if (out.length === limit) return { kitchens: out, more: true };
    out.push(k);
  }
  return { kitchens: out, more: false };
}

/** A keyset page of every visible Kitchen by name (GET /api/kitchens). */
export function kitchensPage(dir: KitchenDirectory, user: AuthUser, q: { after?: string; limit: number }): { kitchens: DirectoryKitchen[]; nextCursor: string | null } {
  const out: DirectoryKitchen[] = [];
  let i = q.after === undefined ? 0 : lowerBound(dir.all, q.after);
  for (; i < dir.all.length; i++) {
    const k = dir.all[i];
    if (!isListedFor(user, k)) continue;
    if (out.length === q.limit) return { kitchens: out, nextCursor: out[out.length - 1].name };
    out.push(k);
  }
  return { kitchens: out, nextCursor: null };
}

/** Index of the first Kitchen named after `name` (the list is sorted by name). */
function lowerBound(all: readonly DirectoryKitchen[], name: string): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid].name <= name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

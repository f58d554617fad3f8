// The directory of live Kitchens: every fact the access policy and the Kitchen tree need (names,
// parents, environments, privacy, staff, reviewers of open merge requests), read in ONE query.
// The web process keeps one in memory and reloads it when PostgreSQL says it changed (NOTIFY
// galley_kitchens): deciding access and listing Kitchens then cost no query per request. It holds
// a few hundred bytes per Kitchen (1,000 Kitchens ≈ 0.5 MB), which is why it stops at live ones:
// deleted Kitchens (run history) are looked up in the database when asked for.
import type { Db } from "@galley/db";

export interface DirectoryStaff {
  userId: string;
  name: string;
  email: string;
  isOwner: boolean;
}

export interface DirectoryKitchen {
  id: string;
  name: string;
  parentId: string | null;
  /** The parent's name (null for a root, or when the parent is deleted). */
  parent: string | null;
  branch: string;
  schemaName: string;
  description: string;
  isPrivate: boolean;
  isPersistent: boolean;
  status: string;
  lastActivityAt: Date;
  createdAt: Date;
  environmentId: string;
  environment: string;
  environmentKind: "development" | "production";
  /**
   * Owners first, then by when they were added; equal times (one statement) keep the order the
   * rows are stored in (ctid), so the list does not reshuffle from one load to the next.
   */
  staff: DirectoryStaff[];
  /** Staff of the targets of its open merge requests (ids): the policy lets them read it. */
  reviewers: string[];
}

export class KitchenDirectory {
  readonly byId: ReadonlyMap<string, DirectoryKitchen>;
  readonly byName: ReadonlyMap<string, DirectoryKitchen>;
  /** Every live Kitchen, by name. */
  readonly all: readonly DirectoryKitchen[];
  private readonly children = new Map<string | null, DirectoryKitchen[]>();

  constructor(kitchens: DirectoryKitchen[], readonly loadedAt = new Date()) {
    this.all = [...kitchens].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.byId = new Map(this.all.map((k) => [k.id, k]));
    this.byName = new Map(this.all.map((k) => [k.name, k]));
    for (const k of this.all) {
      // A Kitchen whose parent is not live (deleted) hangs from the root.
      const parent = k.parentId && this.byId.has(k.parentId) ? k.parentId : null;
      const list = this.children.get(parent) ?? [];
      list.push(k);
      this.children.set(parent, list);
    }
  }

  /** Live children of a Kitchen (by id; null: the roots), by name. */
  childrenOf(id: string | null): readonly DirectoryKitchen[] {
    return this.children.get(id) ?? [];
  }
}

type Row = Omit<DirectoryKitchen, "staff" | "reviewers" | "environmentKind"> & { environmentKind: string; staff: DirectoryStaff[] | null; reviewers: string[] | null };

/** Every live Kitchen with its staff and reviewers: one query, however many Kitchens. */
export async function loadKitchenDirectory(deps: { db: Pick<Db, "$queryRaw"> }): Promise<KitchenDirectory> {
  const rows = await deps.db.$queryRaw<Row[]>`
    SELECT k.id::text AS id, k.name, k.parent_id::text AS "parentId", p.name AS parent, k.branch, k.schema_name AS "schemaName",
      k.description, k.is_private AS "isPrivate", k.is_persistent AS "isPersistent", k.status, k.last_activity_at AS "lastActivityAt",
      k.created_at AS "createdAt", k.environment_id::text AS "environmentId", e.name AS environment, e.kind::text AS "environmentKind",
      (SELECT json_agg(json_build_object('userId', s.user_id, 'name', u.name, 'email', u.email, 'isOwner', s.is_owner) ORDER BY s.is_owner DESC, s.added_at, s.ctid)
         FROM kitchen_staff s JOIN users u ON u.id = s.user_id WHERE s.kitchen_id = k.id) AS staff,
      (SELECT array_agg(DISTINCT t.user_id::text) FROM merge_requests m JOIN kitchen_staff t ON t.kitchen_id = m.target_kitchen_id
         WHERE m.source_kitchen_id = k.id AND m.status = 'open') AS reviewers
    FROM kitchens k
    JOIN environments e ON e.id = k.environment_id
    LEFT JOIN kitchens p ON p.id = k.parent_id AND p.deleted_at IS NULL
    WHERE k.deleted_at IS NULL`;
  return new KitchenDirectory(
    rows.map((r) => ({ ...r, environmentKind: r.environmentKind as DirectoryKitchen["environmentKind"], staff: r.staff ?? [], reviewers: r.reviewers ?? [] })),
  );
}

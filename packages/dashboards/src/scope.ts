// Which Kitchens the dashboard may show someone is the access policy's decision (the caller applies
// kitchenAccess). This gathers what the policy needs in ONE query: every live Kitchen with its
// environment and the reader's own staff row (the policy looks at no one else's). The dashboard
// is the page managers keep open, so this runs on every request, before the cache is consulted.
import type { Db } from "@galley/db";

export interface ScopeCandidate {
  id: string;
  name: string;
  isPrivate: boolean;
  environment: string;
  environmentKind: "development" | "production";
  /** The reader's staff row, when they are on the Kitchen's staff. */
  staff: { userId: string; isOwner: boolean }[];
}

export async function findScopeCandidates(deps: { db: Pick<Db, "$queryRaw"> }, userId: string): Promise<ScopeCandidate[]> {
  const rows = await deps.db.$queryRaw<(Omit<ScopeCandidate, "staff"> & { isOwner: boolean | null })[]>`
    SELECT k.id::text AS id, k.name, k.is_private AS "isPrivate", e.name AS environment, e.kind::text AS "environmentKind", s.is_owner AS "isOwner"
    FROM kitchens k
    JOIN environments e ON e.id = k.environment_id
    LEFT JOIN kitchen_staff s ON s.kitchen_id = k.id AND s.user_id = ${userId}::uuid
    WHERE k.deleted_at IS NULL
    ORDER BY k.name`;
  return rows.map(({ isOwner, ...k }) => ({ ...k, staff: isOwner === null ? [] : [{ userId, isOwner }] }));
}

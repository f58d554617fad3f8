// The view journal of runSql (see @galley/warehouse view-binding) kept in Galley's database as
// `views.rebind` operations: saved before children's views are dropped, closed once they are
// back; the janitor restores what a crashed worker left out of the way.
import type { Db, Prisma } from "@galley/db";
import type { ViewJournal } from "@galley/warehouse";
import { DEFAULT_LEASE_MS, finishOperation } from "./operations";

export function viewJournal(db: Db, environmentId: string, opts: { leaseMs?: number } = {}): ViewJournal {
  return {
    async save({ schema, views }) {
      // The lease only says "ask the warehouse": while the node lives it holds the schema's views
      // lock, and the janitor's repair waits for that lock to be free.
      const row = await db.operation.create({
        data: { kind: "views.rebind", subject: schema, environmentId, step: "views-moved", payload: { schema, views } as unknown as Prisma.InputJsonValue, leaseUntil: new Date(Date.now() + (opts.leaseMs ?? DEFAULT_LEASE_MS)) },
        select: { id: true },
      });
      return row.id;
    },
    async clear(id) {
      await finishOperation(db, id, "done");
    },
  };
}

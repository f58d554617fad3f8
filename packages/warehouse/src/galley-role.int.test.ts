import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureGalleyRole, galleyRoleName } from "./galley-role";
import { scratchWarehouse, type ScratchWarehouse } from "./testing/scratch";

let dbs: ScratchWarehouse[] = [];
beforeAll(async () => {
  dbs = await Promise.all([1, 2, 3, 4].map(() => scratchWarehouse("grole")));
});
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.cleanup()));
  for (const d of dbs) await dbs[0]?.wh.query(`DROP ROLE IF EXISTS "${galleyRoleName(d.name)}"`).catch(() => {});
});

describe("ensureGalleyRole", () => {
  // Seeds and test files set up databases side by side; the grant on log parameters updates one
  // cluster-wide catalog row, which failed with "tuple concurrently updated" in CI.
  it("sets up Galley's role in several databases at once, again and again", async () => {
    for (let round = 0; round < 3; round++) {
      await Promise.all(dbs.map((d) => ensureGalleyRole(d.wh, { role: galleyRoleName(d.name), password: `pw-${round}` })));
    }
    const r = await dbs[0].wh.query<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean }>(
      `SELECT rolname, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = ANY($1::text[]) ORDER BY rolname`,
      [dbs.map((d) => galleyRoleName(d.name))],
    );
    expect(r.rows).toHaveLength(4);
    expect(r.rows.every((x) => !x.rolsuper && x.rolcreaterole)).toBe(true);
  });
});

// GET /api/kitchens (the Kitchen tree) over 200 Kitchens: the real route handler (token auth,
// read model, output parsing, JSON) called in-process against PostgreSQL, and the read model
// alone. Usage: pnpm bench kitchen-tree [kitchens=200] [requests=300]
import setupTemplate from "../packages/db/src/testing/global-setup";
import { createAccessToken } from "@galley/auth";
import { createTestDatabase } from "@galley/db/testing";

const KITCHENS = Number(process.argv[2] ?? 200);
const REQUESTS = Number(process.argv[3] ?? 300);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10;
}

async function main(): Promise<void> {
  await setupTemplate();
  const t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, LOG_LEVEL: "error", GALLEY_BASE_URL: "http://galley.bench" });
  try {
    const db = t.db;
    const roles = ["developer", "developer", "developer", "dataops", "production", "viewer", "admin"] as const;
    const users = [];
    for (let i = 0; i < 20; i++) {
      users.push(await db.user.create({ data: { email: `u${i}@bench.local`, name: `User ${i}`, role: roles[i % roles.length], passwordHash: "unused" }, select: { id: true } }));
    }
    const prodEnv = await db.environment.create({ data: { name: "production", kind: "production", warehouseHost: "127.0.0.1", warehouseDb: "x", warehouseUser: "x" } });
    const devEnv = await db.environment.create({ data: { name: "development", kind: "development", warehouseHost: "127.0.0.1", warehouseDb: "y", warehouseUser: "y" } });
    const ids: string[] = [];
    for (let i = 0; i < KITCHENS; i++) {
      const name = i === 0 ? "production" : i === 1 ? "dev" : `k_${String(i).padStart(3, "0")}`;
      // A realistic shape: production → dev → team Kitchens → personal Kitchens.
      const parentId = i === 0 ? null : i === 1 ? ids[0] : i < 20 ? ids[1] : ids[2 + (i % 18)];
      const staff = [0, 1, 2].map((j) => users[(i + j * 7) % users.length].id);
      const k = await db.kitchen.create({
        data: {
          name, branch: name, schemaName: name, parentId, environmentId: i === 0 ? prodEnv.id : devEnv.id, isPrivate: i % 5 === 0 && i > 1,
          description: `Kitchen ${name}`, staff: { create: [...new Set(staff)].map((userId, j) => ({ userId, isOwner: j === 0 })) },
        },
        select: { id: true },
      });
      ids.push(k.id);
    }
    const { token } = await createAccessToken({ db }, users[0].id, "bench");
    const { GET } = await import("../apps/web/app/api/kitchens/route");
    const { listKitchensForUser } = await import("../apps/web/lib/read-models/kitchens");
    const request = () => new Request("http://galley.bench/api/kitchens", { headers: { authorization: `Bearer ${token}`, host: "galley.bench" } });
    const times: number[] = [];
    let count = 0;
    for (let i = -20; i < REQUESTS; i++) {
      const t0 = performance.now();
      const res = await GET(request());
      const body = (await res.json()) as { kitchens: unknown[] };
      if (res.status !== 200) throw new Error(`GET /api/kitchens answered ${res.status}`);
      if (i >= 0) times.push(performance.now() - t0);
      count = body.kitchens.length;
    }
    const user = { id: users[0].id, email: "u0@bench.local", name: "User 0", role: "developer" as const };
    const model: number[] = [];
    for (let i = -20; i < REQUESTS; i++) {
      const t0 = performance.now();
      await listKitchensForUser(db, user);
      if (i >= 0) model.push(performance.now() - t0);
    }
    console.error(`GET /api/kitchens: ${count} of ${KITCHENS} Kitchens visible to a developer`);
    console.log(
      `bench kitchen-tree p50_ms=${percentile(times, 50)} p99_ms=${percentile(times, 99)} read_model_p50_ms=${percentile(model, 50)} ` +
        `kitchens=${KITCHENS} visible=${count} n=${times.length}`,
    );
  } finally {
    await t.drop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });

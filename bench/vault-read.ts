// Vault read on the worker's path: resolveSecrets of 10 secrets = one transaction (read rows +
// audit row) then 10 envelope opens. Also times a KEK rotation (rewrapAll) over `rotate` secrets.
// Usage: pnpm bench vault-read [iterations=200] [rotate=10000]
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { closeDb, getDb, migrate, MIGRATIONS_DIR } from "@galley/db";
import { createKeyring, resolveSecrets, rewrapAll, sealSecret, setSecret } from "@galley/vault";

const iterations = Number(process.argv[2] ?? 200);
const rotate = Number(process.argv[3] ?? 10_000);
const warmups = 20;
const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `galley_bench_vault_${randomBytes(4).toString("hex")}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round2 = (n: number) => Math.round(n * 100) / 100;

await admin(`CREATE DATABASE "${dbName}"`);
const url = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
try {
  await migrate(url, MIGRATIONS_DIR);
  const db = getDb(url);
  const keyring = createKeyring(randomBytes(32));
  const env = await db.environment.create({ data: { name: "bench", kind: "production", warehouseHost: "h", warehouseDb: "d", warehouseUser: "u" } });
  const actorId = randomUUID();
  for (let i = 0; i < 10; i++) {
    await setSecret({ db, keyring }, { environmentId: env.id, name: `SECRET_${i}`, value: randomBytes(24).toString("base64"), actorId });
  }

  const times: number[] = [];
  for (let i = 0; i < warmups + iterations; i++) {
    const started = performance.now();
    const values = await resolveSecrets({ db, keyring }, { environmentId: env.id, runId: randomUUID(), nodeId: "bench" });
    const ms = performance.now() - started;
    if (Object.keys(values).length !== 10) throw new Error("expected 10 secrets");
    if (i >= warmups) times.push(ms);
  }
  const audited = await db.auditLog.count({ where: { action: "vault.read" } });
  if (audited !== warmups + iterations) throw new Error(`expected ${warmups + iterations} audit rows, found ${audited}`);

  // Rotation: `rotate` secrets sealed under an old KEK, re-wrapped to a new one.
  const oldKey = randomBytes(32);
  const old = createKeyring(oldKey);
  for (let start = 0; start < rotate; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, rotate - start) }, (_, j) => {
      const name = `ROT_${start + j}`;
      return { environmentId: env.id, name, version: 1, ciphertext: sealSecret(old, { environmentId: env.id, name, version: 1 }, "v") };
    });
    await db.vaultSecret.createMany({ data: rows });
  }
  const rotStarted = performance.now();
  const result = await rewrapAll({ db, keyring: createKeyring(keyring.keys.get(keyring.activeKekId)!, [oldKey]) });
  const rotateMs = performance.now() - rotStarted;
  if (result.remaining !== 0 || result.rewrapped !== rotate) throw new Error(`rotation incomplete: ${JSON.stringify(result)}`);

  const fields = {
    p50_ms: round2(percentile(times, 50)),
    p99_ms: round2(percentile(times, 99)),
    n: iterations,
    rotate_ms: Math.round(rotateMs),
    rotate_n: rotate,
  };
  console.log(`bench vault-read ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  await closeDb(url);
} finally {
  await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
}

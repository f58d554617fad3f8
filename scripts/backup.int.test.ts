// The backup and restore of docs/operations.md, run for real: back up a live Galley (database,
// analytics repository, vault key apart), restore into a fresh database and an empty data
// directory, and find the Kitchen, its branch and a vault secret there.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { closeDb, getDb } from "@galley/db";
import { migrate, MIGRATIONS_DIR } from "@galley/db/migrate";
import { createScratchDatabase, uniq } from "@galley/db/testing";
import { AnalyticsRepo } from "@galley/git";
import { createKitchen } from "@galley/kitchens";
import { createKitchenFixture, type KitchenFixture } from "@galley/kitchens/testing";
import { createKeyring, loadKeyring, parseKek, resolveSecret, setSecret } from "@galley/vault";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const SCRIPTS = path.resolve(import.meta.dirname);
let f: KitchenFixture;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(path.join(tmpdir(), p));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  f = await createKitchenFixture();
  scratch = await createScratchDatabase("restore");
});
afterAll(async () => {
  await closeDb(scratch?.url ?? "");
  await scratch?.drop();
  await f?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it("backs up a running Galley and restores it into a fresh database and data directory: Kitchen, branch and secret survive", async () => {
  // The fixture's data directory: repo.git, plus the key file a real install has.
  const dataDir = path.dirname(f.repoDir);
  writeFileSync(path.join(dataDir, "kek"), `${f.kek}\n`, { mode: 0o400 });
  const k = uniq("bk");
  await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
  await f.deps.git.commitFiles(k, { changes: [{ path: "README.md", content: "# kept\n" }], message: "something to keep", author: { name: "Padma", email: "padma@t.test" } });
  const keyring = createKeyring(parseKek(f.kek, "test"));
  await setSecret({ db: f.db, keyring }, { environmentId: f.env.development, name: "BACKUP_PROBE", value: "s3cret-2026", actorId: f.users.ada.id });

  const backups = tmp("galley-backups-");
  const keyCopy = path.join(tmp("galley-key-"), "kek");
  const out = await run("bash", [path.join(SCRIPTS, "backup.sh"), backups], { env: { ...process.env, DATABASE_URL: f.dbUrl, GALLEY_DATA_DIR: dataDir, BACKUP_KEY_TO: keyCopy } });
  const [backup] = readdirSync(backups);
  expect(backup).toMatch(/^galley-\d{8}T\d{6}Z$/);
  expect(readdirSync(path.join(backups, backup)).sort()).toEqual(["MANIFEST", "database.dump", "repo.bundle"]); // never the key
  expect(out.stdout).toContain(`vault key → ${keyCopy}`);

  const restored = tmp("galley-restored-");
  const env = { ...process.env, DATABASE_URL: scratch.url, GALLEY_DATA_DIR: restored, RESTORE_KEY_FROM: keyCopy };
  await run("bash", [path.join(SCRIPTS, "restore.sh"), path.join(backups, backup)], { env });

  // Up to date: the migrations runner has nothing left to apply.
  const db = getDb(scratch.url);
  expect((await migrate(scratch.url, MIGRATIONS_DIR)).applied).toEqual([]);
  const kitchen = await db.kitchen.findFirst({ where: { name: k, deletedAt: null }, select: { branch: true, staff: { select: { userId: true } } } });
  expect(kitchen?.staff.map((s) => s.userId)).toEqual([f.users.padma.id]);
  const repo = await AnalyticsRepo.open(path.join(restored, "repo.git"));
  expect(await repo.headOf(kitchen!.branch)).toBe(await f.repo.headOf(k));
  expect(await repo.headOf("production")).toBe(await f.repo.headOf("production"));
  const keyring2 = loadKeyring({ kekFile: path.join(restored, "kek"), create: false });
  expect(await resolveSecret({ db, keyring: keyring2 }, { environmentId: f.env.development, name: "BACKUP_PROBE", purpose: "backup test" })).toBe("s3cret-2026");

  // Restoring over a live database is refused, touching nothing.
  const again = await run("bash", [path.join(SCRIPTS, "restore.sh"), path.join(backups, backup)], { env: { ...env, GALLEY_DATA_DIR: tmp("galley-again-") } }).catch((e: { stderr: string; code: number }) => e);
  expect((again as { code: number }).code).not.toBe(0);
  expect((again as { stderr: string }).stderr).toMatch(/the database already has \d+ tables; restore into an empty one/);
});

// `pnpm galley <command>`: operator commands that run against DATABASE_URL / GALLEY_DATA_DIR.
import { loadConfig } from "@galley/core";
import { closeDb, getDb } from "@galley/db";
import { loadKeyring, setEnvironmentPool } from "@galley/vault";
import { issueWorkerCredential } from "@galley/workers";
import { rotateKek, type RotateStep } from "./rotate-kek";

const USAGE = `usage: pnpm galley rotate-kek [add-key|finish] | pnpm galley set-pool <environment> <pool> | pnpm galley issue-worker-credential <pool> [name]
  rotate-kek add-key   add a new active key to the key file (step 1; then restart web and worker)
  rotate-kek           re-wrap every secret and re-set every Kitchen role password (step 3)
  rotate-kek finish    drop old keys once no secret uses them (step 4)
  set-pool ENV POOL    run ENV's nodes on worker pool POOL; its secrets are re-wrapped with POOL's key
                       (GALLEY_POOL_KEKS) in the same transaction
  issue-worker-credential POOL [NAME]
                       print a new worker credential for POOL (as the Workers page's Issue credential,
                       for set-ups scripted before anyone signs in); revoke it on the Workers page
See packages/vault/README.md, "Rotation", and docs/operations.md, "Worker hosts".`;

const [command, arg, ...rest] = process.argv.slice(2);
const isRotate = command === "rotate-kek" && rest.length === 0 && (arg === undefined || arg === "add-key" || arg === "finish");
const isSetPool = command === "set-pool" && arg !== undefined && rest.length === 1;
const isIssue = command === "issue-worker-credential" && arg !== undefined && rest.length <= 1;
if (!isRotate && !isSetPool && !isIssue) {
  console.error(USAGE);
  process.exit(2);
}
const config = loadConfig();
try {
  const db = getDb(config.DATABASE_URL);
  if (isIssue) {
    const keyring = loadKeyring({ kek: config.GALLEY_KEK, oldKeks: config.GALLEY_KEK_OLD, kekFile: config.kekFile, create: false, poolKeks: config.GALLEY_POOL_KEKS });
    const c = await issueWorkerCredential({ db, keyring }, { pool: arg, name: rest[0] ?? "", actorId: null });
    // The token alone on stdout, so it can be piped into a secret store; the rest on stderr.
    console.error(`worker credential ${c.hint} for pool ${c.pool} (shown once; give it to the host as GALLEY_WORKER_CREDENTIAL):`);
    console.log(c.token);
  } else if (isSetPool) {
    const env = await db.environment.findUnique({ where: { name: arg }, select: { id: true } });
    if (!env) throw new Error(`no environment named ${arg}`);
    const keyring = loadKeyring({ kek: config.GALLEY_KEK, oldKeks: config.GALLEY_KEK_OLD, kekFile: config.kekFile, create: false, poolKeks: config.GALLEY_POOL_KEKS });
    const r = await setEnvironmentPool({ db, keyring }, { environmentId: env.id, pool: rest[0], actorId: null });
    const own = keyring.pools?.get(r.pool) === r.kekId;
    console.log(`environment ${arg} now runs on pool ${r.pool}; ${r.rewrapped} secret(s) re-wrapped with ${own ? "the pool's own key" : "the main key (no GALLEY_POOL_KEKS entry for this pool: jobs are separated, secrets are not)"}`);
  } else {
    const step: RotateStep = arg === "add-key" ? "add-key" : arg === "finish" ? "finish" : "rewrap";
    await rotateKek({ db, kek: config.GALLEY_KEK, oldKeks: config.GALLEY_KEK_OLD, kekFile: config.kekFile, poolKeks: config.GALLEY_POOL_KEKS, step });
  }
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await closeDb(config.DATABASE_URL);
}

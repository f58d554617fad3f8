import { z } from "zod";
import path from "node:path";

const ZConfig = z.object({
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/galley"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  /** Where Galley keeps the analytics git repository and the vault key file. */
  GALLEY_DATA_DIR: z.string().default(path.resolve(process.cwd(), ".galley")),
  /** base64 of 32 bytes; when absent the key is read from (or created in) GALLEY_KEK_FILE. */
  GALLEY_KEK: z.string().optional(),
  /** Older KEKs (base64, comma-separated) still needed to open secrets during a rotation. */
  GALLEY_KEK_OLD: z.string().optional(),
  GALLEY_KEK_FILE: z.string().optional(),
  /**
   * Control plane only (web app, `--role all` worker): `pool=<base64 key>,…`, the keys of worker
   * pools whose environments' secrets must not open with the main key. A pool's worker host gets
   * its pool's key as GALLEY_KEK and nothing else.
   */
  GALLEY_POOL_KEKS: z.string().optional(),
  GALLEY_BASE_URL: z.string().url().default("http://localhost:3000"),
  GALLEY_EXECUTOR: z.enum(["docker", "local"]).default("docker"),
  GALLEY_RUNNER_IMAGE: z.string().default("galley-runner:latest"),
  /** The Docker engine's API socket (a second engine on one machine listens on its own). */
  GALLEY_DOCKER_SOCKET: z.string().default("/var/run/docker.sock"),
  /** Subnet of the Docker bridge container nodes run on (scripts/services.sh puts it in pg_hba). */
  GALLEY_NODE_SUBNET: z.string().default("172.29.213.0/24"),
  GALLEY_QUEUE_PREFIX: z.string().default("galley"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** The worker pool this worker serves (`--pool` wins); environments name the pool their nodes run on. */
  GALLEY_WORKER_POOL: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a pool name is lowercase letters, digits and -").default("default"),
  /**
   * `all`: nodes plus the duties that need the analytics repository (schedules, alerts, janitor,
   * git gc). `nodes` (`--role nodes`): a worker host that needs only PostgreSQL, Redis and its own
   * Docker engine: it never opens GALLEY_DATA_DIR/repo.git nor creates a vault key.
   */
  GALLEY_WORKER_ROLE: z.enum(["all", "nodes"]).default("all"),
  /**
   * The worker's credential (`gwc_…`, issued by an admin on the Workers page for this worker's
   * pool). Every worker needs one; a `--role all` worker without one issues itself one on first
   * start and keeps it in GALLEY_WORKER_CREDENTIAL_FILE (the single-host demo needs no set-up).
   */
  GALLEY_WORKER_CREDENTIAL: z.string().optional(),
  /** Default `$GALLEY_DATA_DIR/worker-credential` (mode 0600 or stricter). */
  GALLEY_WORKER_CREDENTIAL_FILE: z.string().optional(),
  /** SMTP server for email alert routes, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example:465. */
  SMTP_URL: z.string().url().optional(),
  ALERT_EMAIL_FROM: z.string().default("Galley <galley@localhost>"),
  /**
   * Private, loopback or link-local addresses alert webhooks may reach anyway (they are refused by
   * default: a route is chosen by a Kitchen's staff). Comma-separated host, host:port, address or
   * subnet/prefix, e.g. `alerts.corp.internal,10.20.0.0/16`.
   */
  GALLEY_ALERT_ALLOW_HOSTS: z.string().default(""),
  /** One attempt at delivering an alert gives up after this long (ms). */
  ALERT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Test hook of the faults suite: the process kills itself (SIGKILL) at this named step of a durable operation, e.g. `kitchen.create:schema`. */
  GALLEY_CRASH_AT: z.string().regex(/^[a-z.]+:[a-z]+(:done)?$/).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  NODE_ENV: z.string().default("development"),
  /** Retention (days) of node log lines, sign-in attempts and stale worker heartbeats; the worker prunes hourly. */
  GALLEY_RETAIN_NODE_LOGS_DAYS: z.coerce.number().positive().default(90),
  GALLEY_RETAIN_SIGN_IN_ATTEMPTS_DAYS: z.coerce.number().positive().default(30),
  GALLEY_RETAIN_HEARTBEATS_DAYS: z.coerce.number().positive().default(1),
  /** How often the worker prunes and runs `git gc --auto` on the analytics repository (minutes). */
  GALLEY_MAINTENANCE_MINUTES: z.coerce.number().positive().default(60),
});

export type Config = z.infer<typeof ZConfig> & { kekFile: string; repoDir: string; workerCredentialFile: string };

let cached: Config | undefined;

/** Parsed once at boot; nothing else reads process.env. Fails fast with the offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (cached && env === process.env) return cached;
  const parsed = ZConfig.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const c = parsed.data;
  const config: Config = {
    ...c,
    kekFile: c.GALLEY_KEK_FILE ?? path.join(c.GALLEY_DATA_DIR, "kek"),
    repoDir: path.join(c.GALLEY_DATA_DIR, "repo.git"),
    workerCredentialFile: c.GALLEY_WORKER_CREDENTIAL_FILE ?? path.join(c.GALLEY_DATA_DIR, "worker-credential"),
  };
  if (env === process.env) cached = config;
  return config;
}

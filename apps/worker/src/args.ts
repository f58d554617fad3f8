// Command-line flags of the worker, as configuration variables: `--pool production` is
// GALLEY_WORKER_POOL=production. A flag wins over the environment; loadConfig validates both.
const FLAGS: Record<string, string> = {
  "--pool": "GALLEY_WORKER_POOL",
  "--role": "GALLEY_WORKER_ROLE",
  "--concurrency": "WORKER_CONCURRENCY",
};

export function flagsAsEnv(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    // `pnpm … start -- --pool x` may pass the separator through.
    if (argv[i] === "--") continue;
    const [flag, inline] = argv[i].split("=", 2);
    const name = FLAGS[flag];
    if (!name) throw new Error(`unknown flag ${argv[i]} (known: ${Object.keys(FLAGS).join(", ")})`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    out[name] = value;
  }
  return out;
}

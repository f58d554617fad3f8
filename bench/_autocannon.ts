// autocannon ships no types: the few fields the benchmarks read.
// @ts-expect-error no declaration file
import autocannonUntyped from "autocannon";

export interface LoadResult {
  latency: { p50: number; p90: number; p99: number; max: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  /** Path of each request in turn (round robin). */
  paths: string[];
}

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  let i = 0;
  return autocannonUntyped({
    url: o.url, connections: o.connections, duration: o.duration, headers: o.headers,
    requests: [{ method: "GET", setupRequest: (req: Record<string, unknown>) => ({ ...req, path: o.paths[i++ % o.paths.length] }) }],
  });
}

export function assertClean(r: LoadResult, what: string): void {
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`${what}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
}

/**
 * What a closed loop of `connections` clients sees once every one of them is connected and
 * served: a single-threaded Node server accepts one new connection per turn of its event loop
 * (libuv 1.45 stopped accepting in a loop, libuv PR 3696), and a turn serves every connection
 * already accepted: while 200 fresh connections arrive at once at a server already busy with the
 * first ones, the k-th waits k turns, about 1.3 ms x k²/2 in all (~26 s for 200), however cheap
 * the route (GET /api/me shows it as much as any; so does a bare node:http server). A newcomer
 * to a server busy with 200 others waits one turn. That ramp is measured
 * apart (rampMs, and `whole`, autocannon's own figures over the whole run, ramp included);
 * `steady` holds the answers of the `duration` seconds after the last connection's first answer.
 */
export interface SteadyResult {
  steady: { p50: number; p99: number; max: number; n: number; rps: number };
  whole: LoadResult;
  /** From the start until every connection had its first answer. */
  rampMs: number;
}

export async function runSteadyLoad(o: LoadOptions & { rampLimitS?: number }): Promise<SteadyResult> {
  let i = 0;
  const started = performance.now();
  const seen = new Set<unknown>();
  const latencies: number[] = [];
  let steadyFrom = 0;
  let steadyUntil = 0;
  const instance = autocannonUntyped({
    // No request times out while its connection waits to be accepted: autocannon would drop the
    // connection and open another, at the back of the queue again.
    url: o.url, connections: o.connections, duration: o.duration + (o.rampLimitS ?? 90), timeout: o.duration + (o.rampLimitS ?? 90), headers: o.headers,
    requests: [{ method: "GET", setupRequest: (req: Record<string, unknown>) => ({ ...req, path: o.paths[i++ % o.paths.length] }) }],
  });
  instance.on("response", (client: unknown, status: number, _bytes: number, ms: number) => {
    const now = performance.now();
    if (!steadyFrom) {
      seen.add(client);
      if (seen.size === o.connections) {
        steadyFrom = now;
        steadyUntil = now + o.duration * 1000;
      }
      return;
    }
    if (now > steadyUntil) {
      instance.stop();
      return;
    }
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const whole = (await instance) as LoadResult;
  if (!steadyFrom) throw new Error(`not every one of ${o.connections} connections was answered within ${o.rampLimitS ?? 90} s`);
  latencies.sort((a, b) => a - b);
  const round = (ms: number | undefined) => (ms === undefined ? NaN : Math.round(ms * 10) / 10);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  const seconds = (Math.min(performance.now(), steadyUntil) - steadyFrom) / 1000;
  return {
    steady: { p50: at(0.5), p99: at(0.99), max: round(latencies[latencies.length - 1]), n: latencies.length, rps: Math.round(latencies.length / seconds) },
    whole,
    rampMs: Math.round(steadyFrom - started),
  };
}

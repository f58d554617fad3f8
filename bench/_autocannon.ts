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

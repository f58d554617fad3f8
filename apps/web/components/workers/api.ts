// The Workers admin page's calls to /api/admin/* (the route wrapper checks Origin on mutations).
export async function call(method: string, url: string, body?: unknown): Promise<{ ok: boolean; data: any }> {
  const res = await fetch(url, { method, headers: body !== undefined ? { "content-type": "application/json" } : {}, body: body !== undefined ? JSON.stringify(body) : undefined });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { ok: res.ok, data };
}

export const errorOf = (r: { data: any }, fallback: string): string => r.data?.error?.message ?? fallback;

/** The wire form of @galley/workers' TWorkersView (dates as ISO strings). */
export interface WorkersWire {
  workers: { workerId: string; hostname: string; pool: string; role: string; version: string; startedAt: string; beatAt: string; running: number; status: "live" | "draining" | "revoked" | "gone"; credential: { id: string; name: string; hint: string } | null }[];
  credentials: { id: string; pool: string; name: string; hint: string; createdAt: string; createdBy: string | null; lastUsedAt: string | null; revokedAt: string | null; liveWorkers: number }[];
  pools: { pool: string; environments: string[]; maxRunning: number | null; running: number; liveWorkers: number }[];
}

export function ago(iso: string | null, now: number): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

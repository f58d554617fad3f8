// A worker's status as the admin page shows it. Pure.
export type WorkerStatus = "live" | "draining" | "revoked" | "gone";

export interface WorkerFacts {
  beatAt: Date;
  draining: boolean;
  stoppedAt: Date | null;
  /** null: its credential was deleted, or it predates credentials. */
  credentialRevoked: boolean | null;
}

/**
 * revoked wins (the admin's action is what they look for, whether the worker is still draining or
 * has exited); then gone (exited, or silent longer than `staleMs`: killed or cut off); then draining.
 */
export function workerStatus(w: WorkerFacts, now: Date, staleMs: number): WorkerStatus {
  if (w.credentialRevoked) return "revoked";
  if (w.stoppedAt || now.getTime() - w.beatAt.getTime() > staleMs) return "gone";
  return w.draining ? "draining" : "live";
}

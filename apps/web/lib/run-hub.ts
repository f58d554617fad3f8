// Live run events for every open run page of this web process, fed by ONE PostgreSQL LISTEN.
// Triggers NOTIFY galley_run_events with the run id on every change to a run, its nodes or its
// logs (migration run_events_notify). Per watched run, one shared RunWatch re-reads only what can
// still change, once per notification burst, and fans the events out to every page on that run:
// 200 tabs on a run cost the queries of one, and an idle run costs nothing but a slow safety poll.
// The same connection LISTENs on galley_dashboard (the dashboard rollups changed, migration
// dashboard_notify), so cached dashboards are dropped when their numbers change.
import { listen, type Db } from "@galley/db";
import type { Logger } from "@galley/core";
import { RunWatch, type RunSubscriber, type RunWatchOptions } from "./run-watch";

export const RUN_EVENTS_CHANNEL = "galley_run_events";
export const DASHBOARD_CHANNEL = "galley_dashboard";

export class RunHub {
  private readonly watches = new Map<string, RunWatch>();
  private readonly dashboardListeners = new Set<() => void>();
  private readonly stop = new AbortController();
  private listening: Promise<void> | null = null;
  private connected!: Promise<void>;
  /** How many LISTEN connections this hub opened (tests check it stays one per process). */
  connections = 0;

  constructor(private readonly db: Db, private readonly url: string, private readonly logger?: Logger, private readonly options: RunWatchOptions = {}) {}

  /** Adds a page to a run's watch (creating it), waiting until this process LISTENs. */
  async subscribe(runId: string, sub: RunSubscriber): Promise<() => void> {
    await this.ensureListening();
    let w = this.watches.get(runId);
    if (!w) {
      w = new RunWatch(this.db, runId, this.options, () => this.watches.get(runId) === w && this.watches.delete(runId));
      this.watches.set(runId, w);
    }
    const watch = w;
    await watch.add(sub);
    return () => watch.remove(sub);
  }

  /**
   * Calls `listener` whenever the dashboard rollups changed, and after every (re)connection
   * (a notification sent while disconnected is lost). Starts listening without waiting for it.
   */
  onDashboardChange(listener: () => void): () => void {
    this.dashboardListeners.add(listener);
    void this.ensureListening();
    return () => this.dashboardListeners.delete(listener);
  }

  get watching(): number {
    return this.watches.size;
  }

  close(): void {
    this.stop.abort();
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
  }

  private ensureListening(): Promise<void> {
    if (!this.listening) {
      let ready!: () => void;
      this.connected = new Promise<void>((r) => (ready = r));
      this.listening = listen(
        this.url,
        [RUN_EVENTS_CHANNEL, DASHBOARD_CHANNEL],
        {
          onNotify: (payload, channel) => {
            if (channel === DASHBOARD_CHANNEL) this.dashboardChanged();
            else this.watches.get(payload)?.changed();
          },
          onConnected: () => {
            this.connections++;
            ready();
            // Notifications sent while we were disconnected are lost: re-read every watched run.
            for (const w of this.watches.values()) w.changed();
            this.dashboardChanged();
          },
        },
        this.stop.signal,
        this.logger,
        "galley-run-events",
      ).closed;
    }
    return this.connected;
  }

  private dashboardChanged(): void {
    for (const l of this.dashboardListeners) {
      try {
        l();
      } catch (e) {
        this.logger?.warn("dashboard listener failed", { error: (e as Error).message });
      }
    }
  }
}

const hubs: Map<string, RunHub> = ((globalThis as { __galleyRunHubs?: Map<string, RunHub> }).__galleyRunHubs ??= new Map());

/** The process's hub for a database (one per URL; survives dev-server module reloads). */
export function runHub(db: Db, url: string, logger?: Logger): RunHub {
  let h = hubs.get(url);
  if (!h) hubs.set(url, (h = new RunHub(db, url, logger)));
  return h;
}

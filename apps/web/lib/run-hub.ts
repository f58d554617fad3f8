// Live run events for every open run page of this web process, fed by ONE PostgreSQL LISTEN.
// Triggers NOTIFY galley_run_events with the run id on every change to a run, its nodes or its
// logs (migration run_events_notify). Per watched run, one shared RunWatch re-reads only what can
// still change, once per notification burst, and fans the events out to every page on that run:
// 200 tabs on a run cost the queries of one, and an idle run costs nothing but a slow safety poll.
// The same connection LISTENs on galley_dashboard (the dashboard rollups changed, migration
// dashboard_notify), galley_auth (a session or token ended, a user changed) and galley_kitchens
// (the Kitchen directory changed, migration web_caches_notify) and galley_kitchen_runs (a
// Kitchen's runs list changed, migration kitchen_runs_notify), so each in-process cache is
// dropped when what it holds changes: one LISTEN per process whatever reads are cached. The run
// events also reach cache listeners (the cached run pages, lib/runs-answers.ts).
import { listen, type Db } from "@galley/db";
import type { Logger } from "@galley/core";
import { RunWatch, type RunSubscriber, type RunWatchOptions } from "./run-watch";

export const RUN_EVENTS_CHANNEL = "galley_run_events";
export const DASHBOARD_CHANNEL = "galley_dashboard";
export const AUTH_CHANNEL = "galley_auth";
export const KITCHENS_CHANNEL = "galley_kitchens";
export const KITCHEN_RUNS_CHANNEL = "galley_kitchen_runs";
/** Channels whose listeners are told of every notification and of every (re)connection and loss. */
export type CacheChannel = typeof DASHBOARD_CHANNEL | typeof AUTH_CHANNEL | typeof KITCHENS_CHANNEL | typeof KITCHEN_RUNS_CHANNEL | typeof RUN_EVENTS_CHANNEL;
const CACHE_CHANNELS: readonly CacheChannel[] = [DASHBOARD_CHANNEL, AUTH_CHANNEL, KITCHENS_CHANNEL, KITCHEN_RUNS_CHANNEL, RUN_EVENTS_CHANNEL];
/**
 * Told the notification's payload (a run's or a Kitchen's id), or `undefined` when anything may
 * have changed: after a (re)connection or when the connection is lost.
 */
export type ChangeListener = (payload?: string) => void;

export class RunHub {
  private readonly watches = new Map<string, RunWatch>();
  private readonly cacheListeners = new Map<CacheChannel, Set<ChangeListener>>(CACHE_CHANNELS.map((c) => [c, new Set()]));
  private isConnected = false;
  private readonly stop = new AbortController();
  private listening: Promise<void> | null = null;
  private ready!: Promise<void>;
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
    return this.onChange(DASHBOARD_CHANNEL, listener);
  }

  /**
   * Calls `listener` on every notification of `channel`, after every (re)connection and when the
   * connection is lost (a notification sent while disconnected is lost, so a cache must start
   * over). Starts listening without waiting for it; `connected` says whether to trust the feed.
   */
  onChange(channel: CacheChannel, listener: ChangeListener): () => void {
    const set = this.cacheListeners.get(channel)!;
    set.add(listener);
    void this.ensureListening();
    return () => set.delete(listener);
  }

  /** Whether this process LISTENs right now: while it does not, changes may go unnoticed. */
  get connected(): boolean {
    return this.isConnected;
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
      this.ready = new Promise<void>((r) => (ready = r));
      this.listening = listen(
        this.url,
        CACHE_CHANNELS,
        {
          onNotify: (payload, channel) => {
            if (channel === RUN_EVENTS_CHANNEL) this.watches.get(payload)?.changed();
            this.cacheChanged(channel as CacheChannel, payload);
          },
          onConnected: () => {
            this.connections++;
            this.isConnected = true;
            ready();
            // Notifications sent while we were disconnected are lost: re-read every watched run.
            for (const w of this.watches.values()) w.changed();
            for (const c of CACHE_CHANNELS) this.cacheChanged(c);
          },
          onDisconnected: () => {
            this.isConnected = false;
            for (const c of CACHE_CHANNELS) this.cacheChanged(c);
          },
        },
        this.stop.signal,
        this.logger,
        "galley-run-events",
      ).closed;
    }
    return this.ready;
  }

  private cacheChanged(channel: CacheChannel, payload?: string): void {
    for (const l of this.cacheListeners.get(channel) ?? []) {
      try {
        l(payload);
      } catch (e) {
        this.logger?.warn("change listener failed", { channel, error: (e as Error).message });
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

/** Closes every hub of this process (tests, before dropping their database). */
export function closeRunHubs(): void {
  for (const h of hubs.values()) h.close();
  hubs.clear();
}

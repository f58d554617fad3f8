// GET /api/runs/:id/events against a real database: the snapshot, live node and log events as the
// worker would write them, the end once the run settles, and the client going away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, params, postJson, req, setUpRunsTestEnv, type RunsTestEnv } from "./runs-test-env";

let g: RunsTestEnv;
let events: typeof import("../app/api/runs/[id]/events/route").GET;
let start: typeof import("../app/api/kitchens/[k]/pipelines/[p]/runs/route").POST;

beforeAll(async () => {
  g = await setUpRunsTestEnv();
  events = (await import("../app/api/runs/[id]/events/route")).GET;
  start = (await import("../app/api/kitchens/[k]/pipelines/[p]/runs/route")).POST;
});
afterAll(() => g?.cleanup());

type Event = { event: string; data: any };

/** Reads SSE frames from a response body, one event at a time. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let done = false;
  const queue: Event[] = [];
  async function fill() {
    const chunk = await reader.read();
    if (chunk.done) return void (done = true);
    buffer += decoder.decode(chunk.value, { stream: true });
    let at: number;
    while ((at = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data) queue.push({ event, data: JSON.parse(data) });
    }
  }
  return {
    /** The next event, or null once the stream closed. */
    async next(timeoutMs = 5_000): Promise<Event | null> {
      const deadline = Date.now() + timeoutMs;
      while (!queue.length && !done) {
        if (Date.now() > deadline) throw new Error("no event in time");
        await fill();
      }
      return queue.shift() ?? null;
    },
    /** Events until one matches. */
    async until(match: (e: Event) => boolean): Promise<Event[]> {
      const seen: Event[] = [];
      for (;;) {
        const e = await this.next();
        if (!e) throw new Error(`stream ended before the expected event; saw ${JSON.stringify(seen.map((s) => s.event))}`);
        seen.push(e);
        if (match(e)) return seen;
      }
    },
    isDone: async () => (await reader.read()).done,
  };
}

async function newRun(): Promise<string> {
  const res = await start(postJson("/x", {}, await as("padma@galley.local")), params({ k: "padma_feature", p: "demo" }));
  expect(res.status).toBe(201);
  return (await res.json()).run.id;
}

describe("run events", () => {
  it("sends the snapshot, then node and log changes, then ends when the run settles", async () => {
    const id = await newRun();
    const res = await events(req(`/api/runs/${id}/events`, { headers: await as("padma@galley.local") }), params({ id }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("cache-control")).toMatch(/no-transform/);
    const sse = sseReader(res);
    const snapshot = (await sse.next())!;
    expect(snapshot.event).toBe("snapshot");
    expect(snapshot.data.run).toMatchObject({ id, status: "queued", pipeline: "demo" });
    expect(snapshot.data.nodes.map((n: { nodeId: string; status: string }) => `${n.nodeId}:${n.status}`)).toEqual(["extract:queued", "load:pending", "report:pending"]);
    expect(JSON.stringify(snapshot.data)).not.toMatch(/s3cret/);

    // The worker claims extract and logs two lines.
    const extract = await g.t.db.nodeRun.findFirstOrThrow({ where: { runId: id, nodeId: "extract" } });
    await g.t.db.run.update({ where: { id }, data: { status: "running", startedAt: new Date() } });
    await g.t.db.nodeRun.update({ where: { id: extract.id }, data: { status: "running", startedAt: new Date() } });
    const running = await sse.until((e) => e.event === "node");
    expect(running.at(-1)!.data).toMatchObject({ nodeId: "extract", status: "running" });
    await g.t.db.nodeLog.createMany({ data: [{ nodeRunId: extract.id, attempt: 1, stream: "stdout", line: "1 statement(s) in 3 ms" }, { nodeRunId: extract.id, attempt: 1, stream: "system", line: "[galley] succeeded" }] });
    const logs = (await sse.until((e) => e.event === "log" && e.data.line === "[galley] succeeded")).filter((e) => e.event === "log");
    expect(logs.map((l) => [l.data.nodeId, l.data.stream, l.data.line])).toEqual([["extract", "stdout", "1 statement(s) in 3 ms"], ["extract", "system", "[galley] succeeded"]]);
    expect(logs[1].data.id).toBeGreaterThan(logs[0].data.id);

    // Everything finishes; the stream sends the final states, then ends and closes.
    await g.t.db.nodeRun.updateMany({ where: { runId: id }, data: { status: "succeeded", finishedAt: new Date() } });
    await g.t.db.run.update({ where: { id }, data: { status: "succeeded", finishedAt: new Date() } });
    const rest = await sse.until((e) => e.event === "end");
    const finals = rest.filter((e) => e.event === "node").map((e) => `${e.data.nodeId}:${e.data.status}`).sort();
    expect(finals).toEqual(["extract:succeeded", "load:succeeded", "report:succeeded"]);
    // The run's earlier "running" change may arrive in the same stretch: the last run event counts.
    expect(rest.filter((e) => e.event === "run").at(-1)!.data).toMatchObject({ id, status: "succeeded" });
    expect(rest.at(-1)!.data).toEqual({ status: "succeeded" });
    expect(await sse.next()).toBeNull();
  });

  it("ends at once for a run that already settled", async () => {
    const id = await newRun();
    await g.t.db.nodeRun.updateMany({ where: { runId: id }, data: { status: "cancelled", finishedAt: new Date() } });
    await g.t.db.run.update({ where: { id }, data: { status: "cancelled", finishedAt: new Date() } });
    const sse = sseReader(await events(req("/x", { headers: await as("padma@galley.local") }), params({ id })));
    expect((await sse.next())!.event).toBe("snapshot");
    expect(await sse.next()).toEqual({ event: "end", data: { status: "cancelled" } });
    expect(await sse.next()).toBeNull();
  });

  it("stops polling when the client disconnects", async () => {
    const id = await newRun();
    const abort = new AbortController();
    const res = await events(req("/x", { headers: await as("padma@galley.local"), signal: abort.signal }), params({ id }));
    const sse = sseReader(res);
    expect((await sse.next())!.event).toBe("snapshot");
    abort.abort();
    // A "waiting" event (no worker in this test) may already be on its way; nothing else comes.
    let e = await sse.next();
    while (e?.event === "waiting") e = await sse.next();
    expect(e).toBeNull();
  });

  it("refuses people off the Kitchen's staff and anonymous callers; managers read", async () => {
    const id = await newRun();
    expect((await events(req("/x", { headers: await as("chris@galley.local") }), params({ id }))).status).toBe(403);
    const manager = await events(req("/x", { headers: await as("maya@galley.local") }), params({ id }));
    expect(manager.status).toBe(200);
    await manager.body?.cancel();
    expect((await events(req("/x"), params({ id }))).status).toBe(401);
  });

  it("one LISTEN per web process feeds every open page; idle pages cost no polling; a change reaches them all", { timeout: 90_000 }, async () => {
    const ids = [await newRun(), await newRun()];
    const headers = await as("padma@galley.local");
    const abort = new AbortController();
    const before = await g.t.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'galley-run-events' AND datname = current_database()`;
    const streams = [];
    for (let i = 0; i < 40; i++) {
      const id = ids[i % 2];
      streams.push(sseReader(await events(req("/x", { headers, signal: abort.signal }), params({ id }))));
    }
    for (const s of streams) expect((await s.next())!.event).toBe("snapshot");
    const listeners = await g.t.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'galley-run-events' AND datname = current_database()`;
    expect(listeners[0].n - before[0].n).toBeLessThanOrEqual(1);
    expect(listeners[0].n).toBe(1);

    // Idle: 40 pages polling every 300 ms would run hundreds of queries in 2 s.
    const xacts = async () => (await g.t.db.$queryRaw<{ n: number }[]>`SELECT (xact_commit + xact_rollback)::int AS n FROM pg_stat_database WHERE datname = current_database()`)[0].n;
    // PostgreSQL 15 backends report their counts when busy again or after 10 s idle: let the
    // subscriptions' queries be reported, then count 3 s of idling plus 11 s for them to be reported.
    await new Promise((r) => setTimeout(r, 11_000));
    const x0 = await xacts();
    await new Promise((r) => setTimeout(r, 3_000 + 11_000));
    const x2 = await xacts();
    expect(x2 - x0 - 2).toBeLessThan(20);

    // One status change reaches every page of that run.
    const extract = await g.t.db.nodeRun.findFirstOrThrow({ where: { runId: ids[0], nodeId: "extract" } });
    await g.t.db.nodeRun.update({ where: { id: extract.id }, data: { status: "running", startedAt: new Date() } });
    const onRun0 = streams.filter((_, i) => i % 2 === 0);
    for (const s of onRun0) {
      const seen = await s.until((e) => e.event === "node");
      expect(seen.at(-1)!.data).toMatchObject({ nodeId: "extract", status: "running" });
    }
    abort.abort();
  });

  it("says live when the run waits for its pool: no live worker, then none, then the pool at its capacity limit", { timeout: 60_000 }, async () => {
    const id = await newRun();
    const { pool } = await g.t.db.run.findUniqueOrThrow({ where: { id }, select: { pool: true } });
    await g.t.db.workerHeartbeat.deleteMany({ where: { pool } });
    const abort = new AbortController();
    const sse = sseReader(await events(req("/x", { headers: await as("padma@galley.local"), signal: abort.signal }), params({ id })));
    const waitingEvent = async () => {
      for (;;) {
        const e = await sse.next(15_000);
        if (!e) throw new Error("stream ended");
        if (e.event === "waiting") return e.data;
      }
    };
    expect((await sse.next())!.event).toBe("snapshot");
    expect(await waitingEvent()).toEqual({ pool, reason: "no_worker" });
    // A worker of the pool starts beating: the banner goes without a reload.
    await g.t.db.workerHeartbeat.create({ data: { workerId: `live:${id}`, hostname: "h", pid: 1, pool } });
    expect(await waitingEvent()).toBeNull();
    // The pool at its limit (1) with a node running elsewhere: waiting again, for capacity.
    await g.t.db.workerPool.upsert({ where: { pool }, update: { maxRunning: 1 }, create: { pool, maxRunning: 1 } });
    const other = await newRun();
    await g.t.db.nodeRun.updateMany({ where: { runId: other, nodeId: "extract" }, data: { status: "running", startedAt: new Date() } });
    // (Earlier tests of this file left nodes running in the pool too: at least this one counts.)
    const atCapacity = await waitingEvent();
    expect(atCapacity).toMatchObject({ pool, reason: "capacity", limit: 1 });
    expect(atCapacity.running).toBeGreaterThanOrEqual(1);
    abort.abort();
    await g.t.db.workerPool.delete({ where: { pool } });
  });
});

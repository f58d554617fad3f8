import { describe, expect, it } from "vitest";
import { ALERT_EVENTS, DEFAULT_EVENTS, EVENT_LABELS, eventForRoute, settledEvents, ZCreateAlertRouteInput } from "./events";
import { buildMessage, emailContent, formatLimits, slackPayload } from "./message";

describe("alert events", () => {
  it("each has a label, and new routes listen to known events only", () => {
    for (const e of ALERT_EVENTS) expect(EVENT_LABELS[e], e).toMatch(/\w/);
    expect(DEFAULT_EVENTS.filter((e) => !ALERT_EVENTS.includes(e))).toEqual([]);
  });

  it("a success after a failure is a recovery for routes that listen to it, a success for the others", () => {
    expect(settledEvents("succeeded", true)).toEqual(["run.recovered", "run.succeeded"]);
    expect(eventForRoute(["run.recovered", "run.succeeded"], settledEvents("succeeded", true))).toBe("run.recovered");
    expect(eventForRoute(["run.succeeded"], settledEvents("succeeded", true))).toBe("run.succeeded");
    expect(eventForRoute(["run.failed"], settledEvents("succeeded", false))).toBeNull();
  });

  it("route input refuses non-http URLs, no events and bad names", () => {
    expect(ZCreateAlertRouteInput.safeParse({ kind: "webhook", name: "x", url: "file:///etc/passwd", events: ["run.failed"] }).success).toBe(false);
    expect(ZCreateAlertRouteInput.safeParse({ kind: "slack", name: "x", url: "https://hooks.example/T/B/x", events: [] }).success).toBe(false);
    expect(ZCreateAlertRouteInput.safeParse({ kind: "slack", name: "Bad Name", url: "https://hooks.example/T/B/x" }).success).toBe(false);
    expect(ZCreateAlertRouteInput.parse({ kind: "email", name: "mail", to: ["a@b.test"] }).events).toContain("run.failed");
  });
});

describe("alert messages", () => {
  const base = { kitchen: "production", environment: "production", pipeline: "orders_daily", runId: "r1", url: "http://g/runs/r1" };

  it("a failed run names Kitchen, pipeline, failed nodes with their errors and links the run", () => {
    const m = buildMessage({ ...base, event: "run.failed", failedNodes: [{ node: "load", error: "division by zero" }] });
    expect(m.title).toBe("❌ Run failed: orders_daily in Kitchen production");
    expect(m.text).toContain("• node load failed: division by zero");
    expect(m.node).toBe("load");
    expect(slackPayload(m).text).toContain("<http://g/runs/r1|Open in Galley>");
  });

  it("a test alert names node, test, value and limits", () => {
    const m = buildMessage({ ...base, event: "test.warned", node: "transform", tests: [{ node: "transform", name: "orders_volume", value: 12.3456, lowerLimit: 80, upperLimit: 120.5, verdict: "warned", level: "warn", message: "beyond 3σ" }] });
    expect(m.title).toContain("Test warned: transform.orders_volume");
    expect(m.text).toContain("value 12.35, limits 80 … 120.5 — beyond 3σ");
    expect(formatLimits({ lowerLimit: null, upperLimit: 0 })).toBe("≤ 0");
    expect(formatLimits({ lowerLimit: 5, upperLimit: null })).toBe("≥ 5");
  });

  it("overdue runs and missed schedules say how long and why", () => {
    expect(buildMessage({ ...base, event: "run.overdue", elapsedMs: 3_700_000, maxDurationMs: 3_600_000, stopped: true }).text).toMatch(/Running for 1 h 1 min; the pipeline allows 1 h 0 min\.\nThe run was stopped/);
    const missed = buildMessage({ ...base, event: "schedule.missed", schedule: { name: "nightly", cron: "0 2 * * *", timezone: "UTC", tickAt: "2026-12-01T02:00:00.000Z", reason: "run r0 of an earlier tick is still running" } });
    expect(missed.title).toContain("Schedule missed: nightly");
    expect(missed.text).toContain("still running");
  });

  it("Slack text escapes what mrkdwn would read as markup", () => {
    const m = buildMessage({ ...base, event: "run.failed", failedNodes: [{ node: "n", error: "<script> & co" }] });
    expect(slackPayload(m).text).toContain("&lt;script&gt; &amp; co");
    expect(emailContent(m).subject).toBe("[Galley] ❌ Run failed: orders_daily in Kitchen production");
  });
});

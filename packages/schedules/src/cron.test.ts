import { describe, expect, it } from "vitest";
import { cronProblem, nextTicks, timeZoneProblem } from "./cron";
import { parseScheduleFile, removeScheduleEntry, upsertScheduleEntry } from "./schedule-file";

describe("cron rules and time zones", () => {
  it("accepts five-field rules and a leading seconds field; computes ticks in the zone", () => {
    expect(cronProblem("0 6 * * 1")).toBeNull();
    expect(cronProblem("*/2 * * * * *")).toBeNull();
    // Mondays 06:00 in Berlin are 05:00 UTC in winter.
    const ticks = nextTicks("0 6 * * 1", "Europe/Berlin", new Date("2026-12-01T00:00:00Z"), 2);
    expect(ticks.map((d) => d.toISOString())).toEqual(["2026-12-07T05:00:00.000Z", "2026-12-14T05:00:00.000Z"]);
    expect(nextTicks("0 6 * * 1", "America/New_York", new Date("2026-12-01T00:00:00Z"), 1)[0].toISOString()).toBe("2026-12-07T11:00:00.000Z");
  });

  it.each([
    ["61 * * * *", /not valid: .*minute/],
    ["every monday", /not valid/],
    ["* * *", /not valid/],
    ["", /empty/],
    ["0 0 31 2 *", /never fires/],
  ])("refuses %j with a message that says what is wrong", (rule, message) => {
    expect(cronProblem(rule)).toMatch(message);
  });

  it("knows IANA zones and names an unknown one", () => {
    expect(timeZoneProblem("Europe/Berlin")).toBeNull();
    expect(timeZoneProblem("UTC")).toBeNull();
    expect(timeZoneProblem("Mars/Olympus_Mons")).toMatch(/time zone "Mars\/Olympus_Mons" does not exist/);
  });
});

describe("schedules.yaml", () => {
  it("parses entries, keeps a bad one listed with its problem, reports malformed ones by position", () => {
    const r = parseScheduleFile(`schedules:
  - { name: nightly, pipeline: orders_daily, cron: "0 2 * * *", timezone: Europe/Berlin, parameters: { region: eu } }
  - { name: broken, pipeline: orders_daily, cron: "0 25 * * *" }
  - { name: nozone, pipeline: orders_daily, cron: "0 2 * * *", timezone: Nowhere/City }
  - { pipeline: orders_daily, cron: "0 2 * * *" }
`);
    expect(r.entries.map((e) => [e.name, e.timezone, e.problem === null])).toEqual([["nightly", "Europe/Berlin", true], ["broken", "UTC", false], ["nozone", "Nowhere/City", false]]);
    expect(r.entries[0].parameters).toEqual({ region: "eu" });
    expect(r.entries[1].problem).toMatch(/hour/);
    expect(r.entries[2].problem).toMatch(/Nowhere\/City/);
    expect(r.errors).toEqual([expect.stringMatching(/^schedules.yaml: schedules\[3\]\.name: /)]);
    expect(parseScheduleFile("schedules: [").errors[0]).toMatch(/^schedules.yaml: /);
    expect(parseScheduleFile(null)).toEqual({ entries: [], errors: [] });
  });

  it("adds, replaces and removes entries, keeping comments and the others", () => {
    const start = "# team schedules\nschedules:\n  - name: a\n    pipeline: p\n    cron: 0 1 * * *\n    timezone: UTC\n";
    const added = upsertScheduleEntry(start, { name: "b", pipeline: "q", cron: "0 6 * * 1", timezone: "Europe/Berlin", parameters: {} });
    expect(added).toContain("# team schedules");
    expect(parseScheduleFile(added).entries.map((e) => e.name)).toEqual(["a", "b"]);
    const replaced = upsertScheduleEntry(added, { name: "a", pipeline: "p", cron: "0 3 * * *", timezone: "UTC", parameters: { n: 1 } });
    expect(parseScheduleFile(replaced).entries.find((e) => e.name === "a")).toMatchObject({ cron: "0 3 * * *", parameters: { n: 1 } });
    expect(parseScheduleFile(removeScheduleEntry(replaced, "a")).entries.map((e) => e.name)).toEqual(["b"]);
    expect(parseScheduleFile(upsertScheduleEntry(null, { name: "x", pipeline: "p", cron: "* * * * *", timezone: "UTC", parameters: {} })).entries).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { mergeScheduleFiles } from "./merge-schedule-files";
import { parseScheduleFile } from "./schedule-file";

const file = (...entries: string[]) => (entries.length ? `schedules:\n${entries.join("")}` : "schedules: []\n");
const entry = (name: string, cron = "0 6 * * *", pipeline = "orders_daily") => `  - name: ${name}\n    pipeline: ${pipeline}\n    cron: ${cron}\n    timezone: UTC\n`;
const names = (text: string | null | undefined) => parseScheduleFile(text ?? null).entries.map((e) => `${e.name}@${e.cron}`);

describe("mergeScheduleFiles", () => {
  it("adds in one Kitchen and removes in the other: both kept (the story's dev → production)", () => {
    const merged = mergeScheduleFiles({ base: null, ours: file(), theirs: file(entry("weekly_profit", "0 6 * * 1")) });
    expect(names(merged)).toEqual(["weekly_profit@0 6 * * 1"]);
  });

  it("different schedules added and changed on each side all arrive; ours' comments stay", () => {
    const base = file(entry("nightly"), entry("hourly", "0 * * * *"));
    const ours = `# production's schedules\n${file(entry("nightly", "0 5 * * *"), entry("hourly", "0 * * * *"), entry("monthly", "0 0 1 * *"))}`;
    const theirs = file(entry("nightly"), entry("weekly", "0 6 * * 1"));
    const merged = mergeScheduleFiles({ base, ours, theirs });
    // nightly changed in ours only, hourly removed in theirs only, monthly and weekly new on one side each.
    expect(names(merged)).toEqual(["nightly@0 5 * * *", "monthly@0 0 1 * *", "weekly@0 6 * * 1"]);
    expect(merged).toContain("# production's schedules");
  });

  it("the same schedule changed differently on both sides is left to a person", () => {
    const base = file(entry("nightly"));
    expect(mergeScheduleFiles({ base, ours: file(entry("nightly", "0 5 * * *")), theirs: file(entry("nightly", "0 7 * * *")) })).toBeUndefined();
    // Removed on one side, changed on the other: also a decision.
    expect(mergeScheduleFiles({ base, ours: file(), theirs: file(entry("nightly", "0 7 * * *")) })).toBeUndefined();
  });

  it("the same change on both sides is no conflict", () => {
    const same = file(entry("nightly", "0 7 * * *"));
    expect(names(mergeScheduleFiles({ base: file(entry("nightly")), ours: same, theirs: same }))).toEqual(["nightly@0 7 * * *"]);
  });

  it("a side that does not parse is left to a person", () => {
    expect(mergeScheduleFiles({ base: null, ours: "schedules: [", theirs: file(entry("a")) })).toBeUndefined();
    expect(mergeScheduleFiles({ base: null, ours: file(), theirs: "schedules:\n  - name: 5\n" })).toBeUndefined();
  });
});

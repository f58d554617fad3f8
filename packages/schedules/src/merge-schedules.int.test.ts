import { uniq } from "@galley/db/testing";
import { AnalyticsRepo } from "@galley/git";
import { createKitchen, mergeKitchen, previewMerge, saveKitchenFile, type KitchensDeps } from "@galley/kitchens";
import { createKitchenFixture, type KitchenFixture } from "@galley/kitchens/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEDULE_MERGE_DRIVERS } from "./merge-schedule-files";
import { parseScheduleFile, removeScheduleEntry, upsertScheduleEntry } from "./schedule-file";

let f: KitchenFixture;
let deps: KitchensDeps;
beforeAll(async () => {
  f = await createKitchenFixture();
  // What the web app and the worker open: the same repository, with the schedules driver.
  deps = { ...f.deps, git: new AnalyticsRepo(f.repoDir, { mergeDrivers: SCHEDULE_MERGE_DRIVERS }) };
});
afterAll(() => f?.cleanup());

const entry = (name: string, cron: string) => ({ name, pipeline: "orders_daily", cron, timezone: "UTC", parameters: {} });
const edit = async (kitchen: string, change: (text: string | null) => string) => {
  const k = await f.db.kitchen.findFirstOrThrow({ where: { name: kitchen, deletedAt: null }, select: { branch: true } });
  const current = (await f.repo.readFiles(k.branch, ["schedules.yaml"]))["schedules.yaml"]?.content ?? null;
  await saveKitchenFile(deps, { kitchen, path: "schedules.yaml", content: change(current), message: "schedules" }, f.users.chris);
};

describe("schedules.yaml in a merge", () => {
  it("a schedule added in the child and another removed in the parent merge cleanly; a real clash still asks a person", async () => {
    const parent = uniq("sp");
    await createKitchen(deps, { name: parent, parent: "dev" }, f.users.chris);
    await edit(parent, (t) => upsertScheduleEntry(t, entry("nightly", "0 5 * * *")));
    const child = uniq("sc");
    await createKitchen(deps, { name: child, parent }, f.users.chris);
    // Both Kitchens change the file after the branch point: git's line merge calls it a conflict.
    await edit(parent, (t) => removeScheduleEntry(t!, "nightly"));
    await edit(child, (t) => upsertScheduleEntry(t, entry("weekly", "0 6 * * 1")));
    expect((await previewMerge(f.deps, { kitchen: child, direction: "up" }, f.users.chris)).conflicts.map((c) => c.path)).toEqual(["schedules.yaml"]);
    expect((await previewMerge(deps, { kitchen: child, direction: "up" }, f.users.chris)).conflicts).toEqual([]);
    const out = await mergeKitchen(deps, { kitchen: child, direction: "up" }, f.users.chris);
    expect(out).toMatchObject({ status: "committed" });
    const branch = (await f.db.kitchen.findFirstOrThrow({ where: { name: parent, deletedAt: null }, select: { branch: true } })).branch;
    const merged = (await f.repo.readFiles(branch, ["schedules.yaml"]))["schedules.yaml"]!.content;
    expect(parseScheduleFile(merged).entries.map((e) => e.name)).toEqual(["weekly"]);

    // The same schedule changed differently on both sides: the three-panel view decides.
    await edit(parent, (t) => upsertScheduleEntry(t, entry("weekly", "0 7 * * 1")));
    await edit(child, (t) => upsertScheduleEntry(t, entry("weekly", "0 8 * * 1")));
    expect((await previewMerge(deps, { kitchen: child, direction: "up" }, f.users.chris)).conflicts.map((c) => c.path)).toEqual(["schedules.yaml"]);
  });
});

import { describe, expect, it } from "vitest";
import type { TablePlan } from "./data-policy";
import { viewsToRebind, type ParentView } from "./rebind-views";

const plan = (table: string, mode: TablePlan["mode"], rebind = false): TablePlan => ({ table, mode, masks: {}, ...(rebind ? { rebind } : {}) });
const view = (name: string, reads: string[]): [string, ParentView] => [name, { name, definition: "SELECT 1", reads }];

describe("viewsToRebind", () => {
  it("rebinds views reading copies, directly or through other views; keeps zero-copy views of views otherwise", () => {
    const plans = [plan("t", "copy"), plan("u", "view"), plan("a", "view"), plan("b", "view"), plan("c", "view")];
    const views = new Map([view("a", ["t"]), view("b", ["a"]), view("c", ["u"])]);
    expect([...viewsToRebind(plans, views)].sort()).toEqual(["a", "b"]);
  });
  it("rebinds every view the policy asked to copy", () => {
    expect([...viewsToRebind([plan("u", "view"), plan("c", "view", true)], new Map([view("c", ["u"])]))]).toEqual(["c"]);
  });
});

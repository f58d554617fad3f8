import { AppError } from "@galley/core";
import { describe, expect, it } from "vitest";
import { StepRunner } from "./steps";

describe("StepRunner", () => {
  it("times steps and undoes the succeeded ones in reverse when one fails", async () => {
    const undone: string[] = [];
    const s = new StepRunner("creating Kitchen k");
    await s.run("branch", async () => "sha");
    s.onUndo("branch", async () => undone.push("branch"));
    await s.run("schema", async () => 1);
    s.onUndo("schema", async () => undone.push("schema"));
    const e = await s.run("records", async () => {
      throw new AppError("conflict", "a Kitchen named k was created meanwhile", { field: "name" });
    }).catch((x) => x);
    expect(undone).toEqual(["schema", "branch"]);
    expect(s.timings.map((t) => t.step)).toEqual(["branch", "schema"]);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({
      code: "conflict",
      field: "name",
      message: "creating Kitchen k failed at step records: a Kitchen named k was created meanwhile. Everything done before was undone.",
      details: { step: "records", undone: [{ step: "schema", ok: true }, { step: "branch", ok: true }] },
    });
  });

  it("keeps going when an undo fails, and says what is left", async () => {
    const s = new StepRunner("creating Kitchen k");
    await s.run("branch", async () => undefined);
    s.onUndo("branch", async () => {
      throw new Error("repository locked");
    });
    const e = await s.run("schema", async () => {
      throw new AppError("unavailable", "warehouse down");
    }).catch((x) => x);
    expect(e.message).toBe("creating Kitchen k failed at step schema: warehouse down. Could not undo: branch (repository locked).");
    expect(e.details.undone).toEqual([{ step: "branch", ok: false, message: "repository locked" }]);
  });

  it("hides unknown errors' text, maps connection failures to unavailable, and lets a step name itself", async () => {
    const s = new StepRunner("deleting Kitchen k");
    const internal = await s.run("check", async () => {
      throw new Error("password=hunter2 rejected");
    }).catch((x) => x);
    expect(internal).toMatchObject({ code: "internal", message: "deleting Kitchen k failed at step check: unexpected error (see the server log). Nothing was changed." });
    const down = await s.run("records", async () => {
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    }).catch((x) => x);
    expect(down.code).toBe("unavailable");
    const data = await s.run("schema", async () => {
      throw new AppError("invalid_input", "bad cast", { field: "tables.t" });
    }, () => "data").catch((x) => x);
    expect(data.details.step).toBe("data");
  });
});

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { loadPipelines } from "@galley/pipelines";
import { describe, expect, it } from "vitest";

// The demo seed commits this folder as the analytics repository: a pipeline error here would
// greet every new user. Reads files, hence an int test.
const ROOT = join(__dirname, "demo-repo");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("the demo repository", () => {
  it("holds valid pipelines whose containers declare what they write", () => {
    const files = filesUnder(ROOT).map((p) => ({ path: relative(ROOT, p), content: readFileSync(p, "utf8") }));
    const { pipelines, errors } = loadPipelines(files);
    expect(errors).toEqual([]);
    expect(pipelines.map((p) => p.name).sort()).toEqual(["orders_daily", "smoke_test"]);
    const orders = pipelines.find((p) => p.name === "orders_daily")!;
    expect(orders.nodes.find((n) => n.id === "load_orders")!.writes).toEqual([{ table: "raw_orders" }]);
    expect(orders.nodes.find((n) => n.id === "transform")!.writes).toEqual([{ table: "orders_clean", key: ["id"] }]);
  });
});

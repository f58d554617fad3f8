import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readOutputs } from "./workspace";

// Issue 7 finding 5: JSON.parse's message quoted the start of the file, so part of a secret
// (too short to be redacted) reached the node's error.
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe("readOutputs on a file that is not JSON", () => {
  it("says where, never what", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "galley-outputs-"));
    const secret = "CANARY-7f3a9c-secret";
    writeFileSync(path.join(dir, "o.json"), `${secret.slice(0, 10)}`);
    const r = await readOutputs(dir, "o.json", [secret]);
    expect(r.ok).toBe(false);
    const error = (r as { error: string }).error;
    expect(error).toMatch(/^outputs file o\.json is not valid JSON/);
    expect(error).not.toContain("CANARY");
    expect(error).not.toContain("7f3");
    writeFileSync(path.join(dir, "o.json"), `{"a": 1,\n "b": ${secret}}`);
    const r2 = await readOutputs(dir, "o.json", []);
    expect((r2 as { error: string }).error).not.toContain("CANARY");
  });
});

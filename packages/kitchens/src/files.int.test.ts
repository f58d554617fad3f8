import { AppError } from "@galley/core";
import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareWithParent } from "./compare-with-parent";
import { createKitchen } from "./create-kitchen";
import { getKitchenCommit } from "./get-commit";
import { kitchenHistory } from "./kitchen-history";
import { listKitchenFiles } from "./list-files";
import { mergeKitchen } from "./merge-kitchen";
import { readKitchenFile } from "./read-file";
import { revertKitchenCommit } from "./revert-commit";
import { saveKitchenFile } from "./save-file";
import { createKitchenFixture, PIPELINE_YAML, type KitchenFixture } from "./testing/fixture";
import { validateKitchenFile } from "./validate-file";

let f: KitchenFixture;
let k: string;
beforeAll(async () => {
  f = await createKitchenFixture();
  k = uniq("files");
  await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
});
afterAll(() => f?.cleanup());

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => null, (x) => x);
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${e}`);
  return e;
}

const BROKEN = `name: demo
nodes:
  - id: count_orders
    type: sql
    sql: select 1
    depends_on: [nowhere]
`;

describe("files", () => {
  it("lists, reads, saves with the person as author, and keeps history", async () => {
    const { head, files } = await listKitchenFiles(f.deps, k, f.users.padma);
    expect(files.map((x) => x.path)).toEqual(["README.md", "pipelines/demo/pipeline.yaml", "sql/shared.sql"]);
    const before = await f.db.kitchen.findFirstOrThrow({ where: { name: k, deletedAt: null }, select: { lastActivityAt: true } });
    const saved = await saveKitchenFile(f.deps, { kitchen: k, path: "sql/report.sql", content: "select 42;\n", message: "Add report", expectedHead: head }, f.users.padma);
    expect(saved.validation).toEqual([]);
    const read = await readKitchenFile(f.deps, { kitchen: k, path: "sql/report.sql" }, f.users.padma);
    expect(read).toEqual({ path: "sql/report.sql", content: "select 42;\n", isBinary: false, size: 11, head: saved.commit });
    const { commits } = await kitchenHistory(f.deps, { kitchen: k, limit: 5 }, f.users.padma);
    expect(commits[0]).toMatchObject({ sha: saved.commit, author: "Padma", email: "padma@galley.test", message: "Add report" });
    const c = await getKitchenCommit(f.deps, { kitchen: k, sha: saved.commit }, f.users.padma);
    expect(c.files).toEqual([{ path: "sql/report.sql", status: "added", patch: expect.stringContaining("+select 42;") }]);
    const after = await f.db.kitchen.findFirstOrThrow({ where: { name: k, deletedAt: null }, select: { lastActivityAt: true } });
    expect(after.lastActivityAt.getTime()).toBeGreaterThan(before.lastActivityAt.getTime());
    // A stale editor gets 409 instead of overwriting.
    expect((await failure(saveKitchenFile(f.deps, { kitchen: k, path: "sql/report.sql", content: "x", message: "m", expectedHead: head }, f.users.padma))).code).toBe("conflict");
  });

  it("validates pipeline files: errors with file, line and field, committed unless strict", async () => {
    const path = "pipelines/demo/pipeline.yaml";
    const { errors } = await validateKitchenFile(f.deps, { kitchen: k, path, content: BROKEN }, f.users.padma);
    expect(errors).toEqual([{ file: path, line: 6, field: "nodes[0].depends_on[0]", message: expect.stringContaining("nowhere") }]);
    expect((await validateKitchenFile(f.deps, { kitchen: k, path, content: PIPELINE_YAML }, f.users.padma)).errors).toEqual([]);
    expect((await validateKitchenFile(f.deps, { kitchen: k, path: "README.md", content: "anything" }, f.users.padma)).errors).toEqual([]);
    const strict = await failure(saveKitchenFile(f.deps, { kitchen: k, path, content: BROKEN, message: "break it", strict: true }, f.users.padma));
    expect(strict).toMatchObject({ code: "invalid_input", details: { errors: [expect.objectContaining({ line: 6 })] } });
    const loose = await saveKitchenFile(f.deps, { kitchen: k, path, content: BROKEN, message: "wip" }, f.users.padma);
    expect(loose.validation).toHaveLength(1);
    expect((await readKitchenFile(f.deps, { kitchen: k, path }, f.users.padma)).content).toBe(BROKEN);
    // Revert the last commit brings the valid pipeline back.
    const { commit } = await revertKitchenCommit(f.deps, { kitchen: k }, f.users.padma);
    expect((await readKitchenFile(f.deps, { kitchen: k, path }, f.users.padma)).content).toBe(PIPELINE_YAML);
    expect((await kitchenHistory(f.deps, { kitchen: k, limit: 1 }, f.users.padma)).commits[0]).toMatchObject({ sha: commit, message: expect.stringMatching(/^Revert "wip"/) });
  });

  it("deletes a file with a message; refuses what is not there", async () => {
    await saveKitchenFile(f.deps, { kitchen: k, path: "tmp/scratch.sql", content: "select 0;\n", message: "scratch" }, f.users.padma);
    await saveKitchenFile(f.deps, { kitchen: k, path: "tmp/scratch.sql", content: null, message: "remove scratch" }, f.users.padma);
    expect((await failure(readKitchenFile(f.deps, { kitchen: k, path: "tmp/scratch.sql" }, f.users.padma))).code).toBe("not_found");
    expect((await failure(saveKitchenFile(f.deps, { kitchen: k, path: "tmp/scratch.sql", content: null, message: "again" }, f.users.padma))).code).toBe("not_found");
  });

  it("refuses unsafe paths, binary and oversize content", async () => {
    const bad = async (path: string, content = "x") => failure(saveKitchenFile(f.deps, { kitchen: k, path, content, message: "m" }, f.users.padma));
    for (const path of ["../etc/passwd", "/abs.sql", "a/../b.sql", ".git/config", "a\\b.sql", "sql//x.sql"]) {
      expect(await bad(path)).toMatchObject({ code: "invalid_input", field: "path" });
    }
    expect((await bad("bin/blob.dat", "a\u0000b")).code).toBe("invalid_input");
    expect((await bad("big.sql", "x".repeat(1024 * 1024 + 1))).code).toBe("payload_too_large");
    expect((await failure(readKitchenFile(f.deps, { kitchen: k, path: "../x" }, f.users.padma))).code).toBe("invalid_input");
  });

  it("compares with the parent and merges down what the parent gained", async () => {
    const child = uniq("cmp");
    await createKitchen(f.deps, { name: child, parent: k }, f.users.padma);
    await saveKitchenFile(f.deps, { kitchen: child, path: "sql/child.sql", content: "select 'c';\n", message: "child work" }, f.users.padma);
    await saveKitchenFile(f.deps, { kitchen: k, path: "sql/parent.sql", content: "select 'p';\n", message: "parent work" }, f.users.padma);
    const c = await compareWithParent(f.deps, child, f.users.padma);
    expect(c).toMatchObject({ parent: k, ahead: 1, behind: 1, files: [{ path: "sql/child.sql", status: "added" }] });
    expect(c.diff[0].patch).toContain("+select 'c';");
    await mergeKitchen(f.deps, { kitchen: child, direction: "down" }, f.users.padma);
    expect((await compareWithParent(f.deps, child, f.users.padma)).behind).toBe(0);
    expect((await failure(compareWithParent(f.deps, "production", f.users.eric))).code).toBe("invalid_input");
  });

  it("keeps files to staff: readers read, writers write", async () => {
    expect((await failure(listKitchenFiles(f.deps, k, f.users.sam))).code).toBe("forbidden");
    expect((await listKitchenFiles(f.deps, k, f.users.ada)).files.length).toBeGreaterThan(0);
    expect((await failure(saveKitchenFile(f.deps, { kitchen: k, path: "a.sql", content: "x", message: "m" }, f.users.ada))).code).toBe("forbidden");
    expect((await failure(revertKitchenCommit(f.deps, { kitchen: "production" }, f.users.padma))).code).toBe("forbidden");
  });
});

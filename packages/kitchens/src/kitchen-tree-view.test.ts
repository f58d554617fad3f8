import type { AuthUser } from "@galley/auth";
import { describe, expect, it } from "vitest";
import { KitchenDirectory, type DirectoryKitchen } from "./kitchen-directory";
import { childrenPage, kitchensPage, searchKitchens, treeView, TREE_CHILD_LIMIT, TREE_TOTAL_LIMIT, type TreeViewNode } from "./kitchen-tree-view";

const padma: AuthUser = { id: "padma", email: "padma@x", name: "Padma", role: "developer" };
const admin: AuthUser = { id: "root", email: "root@x", name: "Root", role: "admin" };

function kitchen(name: string, parent: string | null, o: Partial<DirectoryKitchen> = {}): DirectoryKitchen {
  return {
    id: `id_${name}`, name, parentId: parent ? `id_${parent}` : null, parent, branch: name, schemaName: name, description: "", isPrivate: false, isPersistent: true,
    status: "active", lastActivityAt: new Date(0), createdAt: new Date(0), environmentId: "env", environment: "development", environmentKind: "development",
    staff: [], reviewers: [], ...o,
  };
}

/** production → dev → 998 children k_0002…k_0999; every fifth private; Padma staffs k_0700. */
function bigDirectory(): KitchenDirectory {
  const rows = [kitchen("production", null), kitchen("dev", "production")];
  for (let i = 2; i < 1000; i++) {
    const name = `k_${String(i).padStart(4, "0")}`;
    rows.push(kitchen(name, "dev", { isPrivate: i % 5 === 0, staff: name === "k_0700" ? [{ userId: "padma", name: "Padma", email: "padma@x", isOwner: true }] : [] }));
  }
  return new KitchenDirectory(rows);
}

const count = (nodes: TreeViewNode[]): number => nodes.reduce((n, x) => n + 1 + count(x.children), 0);

describe("Kitchen tree view", () => {
  it("bounds the tree: at most TREE_CHILD_LIMIT under a Kitchen, the rest counted behind 'more'", () => {
    const roots = treeView(bigDirectory(), padma);
    expect(roots.map((r) => r.kitchen.name)).toEqual(["production"]);
    const dev = roots[0].children[0];
    expect(dev.kitchen.name).toBe("dev");
    expect(dev.children).toHaveLength(TREE_CHILD_LIMIT);
    // 998 children, 199 private ones (i % 5 === 0, 10…995 and k_0700 which Padma staffs stays visible).
    const visible = 998 - 199 + 1;
    expect(dev.moreChildren).toBe(visible - TREE_CHILD_LIMIT);
    expect(count(roots)).toBeLessThanOrEqual(TREE_TOTAL_LIMIT);
  });

  it("shows the person's own Kitchens first under a busy parent", () => {
    const dev = treeView(bigDirectory(), padma)[0].children[0];
    expect(dev.children[0].kitchen.name).toBe("k_0700");
  });

  it("pages a Kitchen's children by name: page 2 starts after page 1, none twice, none skipped, private ones hidden", () => {
    const dir = bigDirectory();
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = childrenPage(dir, padma, "dev", { after, limit: 50 })!;
      if (pages === 1) expect(page.kitchens[0].name > seen[49]).toBe(true);
      seen.push(...page.kitchens.map((k) => k.name));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toHaveLength(998 - 199 + 1);
    expect(seen).not.toContain("k_0010");
    expect(seen).toContain("k_0700");
    expect(childrenPage(dir, admin, "dev", { limit: 2000 })!.kitchens).toHaveLength(998);
  });

  it("does not page the children of a Kitchen one may not see", () => {
    expect(childrenPage(bigDirectory(), padma, "k_0010")).toBeNull();
    expect(childrenPage(bigDirectory(), padma, "nope")).toBeNull();
  });

  it("searches by name, bounded, without private Kitchens of others", () => {
    const r = searchKitchens(bigDirectory(), padma, "K_00", 30);
    expect(r.kitchens).toHaveLength(30);
    expect(r.more).toBe(true);
    expect(searchKitchens(bigDirectory(), padma, "k_0015").kitchens).toEqual([]);
    expect(searchKitchens(bigDirectory(), padma, "k_0700").kitchens.map((k) => k.name)).toEqual(["k_0700"]);
  });

  it("keyset-pages every visible Kitchen for the API", () => {
    const dir = bigDirectory();
    const first = kitchensPage(dir, padma, { limit: 200 });
    expect(first.kitchens).toHaveLength(200);
    const second = kitchensPage(dir, padma, { limit: 200, after: first.nextCursor! });
    expect(second.kitchens[0].name > first.kitchens[199].name).toBe(true);
    let total = 0;
    let after: string | undefined;
    for (;;) {
      const p = kitchensPage(dir, padma, { limit: 200, after });
      total += p.kitchens.length;
      if (!p.nextCursor) break;
      after = p.nextCursor;
    }
    expect(total).toBe(2 + 998 - 199 + 1);
  });
});

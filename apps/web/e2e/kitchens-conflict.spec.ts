// A merge with a conflict, resolved in the three-panel view (PRODUCT.md step 3): Chris and Padma
// change the same line, on dev and on Padma's Kitchen; Padma merges dev down and settles it.
import { expect, test } from "@playwright/test";
import { apiSession, commitFile, editorContent, editorText, readFile, signIn, watchErrors } from "./kitchens-helpers";

const FILE = "analysis/margins.sql";
const BASE = "-- margins per region\nselect region,\n       sum(amount) as revenue\nfrom orders_clean\ngroup by region;\n";
const PARENT = BASE.replace("sum(amount) as revenue", "sum(amount) as revenue, count(*) as orders");
const CHILD = BASE.replace("sum(amount) as revenue", "sum(amount) - sum(cost) as margin");

test("a conflict between dev and Padma's Kitchen is resolved in the three-panel view, then Chris merges it up", async ({ page, browser, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const chris = await apiSession(playwright, baseURL!, "chris@galley.local");
  const padma = await apiSession(playwright, baseURL!, "padma@galley.local");

  // The scene, through the API: a shared base on dev, a child Kitchen, then both sides change one line.
  await commitFile(chris, "dev", FILE, BASE, "Margins query: revenue per region");
  const created = await padma.post("/api/kitchens", { data: { name: "padma_margins", parent: "dev", description: "Margin analysis" } });
  expect(created.status(), await created.text()).toBe(201);
  await commitFile(padma, "padma_margins", FILE, CHILD, "Margins: revenue minus cost");
  await commitFile(chris, "dev", FILE, PARENT, "Margins: count orders too");

  await signIn(page, "padma@galley.local");
  await page.goto("/kitchens/padma_margins/merge");
  const down = page.getByTestId("merge-down");
  await down.getByRole("button", { name: "Preview merge down" }).click();
  await expect(down.getByTestId("merge-preview")).toContainText("1 conflict");
  await expect(down.getByTestId("merge-preview")).toContainText(FILE);
  await down.getByRole("button", { name: "Start merge and resolve 1 conflict" }).click();

  // The three panels: dev (parent) | result with markers | padma_margins (child).
  await expect(page).toHaveURL(/\/merges\/[0-9a-f-]{36}$/);
  const parent = page.getByTestId("panel-parent");
  const child = page.getByTestId("panel-child");
  const result = page.getByTestId("panel-result");
  await expect(parent).toContainText("dev (parent)");
  await expect(child).toContainText("padma_margins (child)");
  await expect(editorContent(parent)).toContainText("count(*) as orders");
  await expect(editorContent(child)).toContainText("sum(cost) as margin");
  await expect(editorContent(result)).toContainText("<<<<<<<");
  await expect(editorContent(result)).toContainText(">>>>>>>");
  const fileItem = page.getByTestId("conflict-files").locator(`[data-file="${FILE}"]`);
  await expect(fileItem).toHaveAttribute("data-state", "unresolved");
  const commit = page.getByRole("button", { name: "Commit merge" });
  await expect(commit).toBeDisabled();
  await page.screenshot({ path: "test-results/kitchen-three-panel.png", fullPage: true });

  // Both columns are wanted: take both sides (the parent's first).
  await page.getByRole("button", { name: "Take both" }).click();
  await expect(fileItem).toHaveAttribute("data-state", "resolved");
  await expect(editorContent(result)).not.toContainText("<<<<<<<");
  const both = await editorText(result);
  expect(both).toContain("count(*) as orders");
  expect(both).toContain("sum(cost) as margin");
  // A hand edit that leaves a conflict marker makes the file unresolved again.
  await editorContent(result).click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.insertText("\n<<<<<<< leftover");
  await expect(fileItem).toHaveAttribute("data-state", "markers");
  await expect(commit).toBeDisabled();
  await page.keyboard.press("ControlOrMeta+z");
  await expect(fileItem).toHaveAttribute("data-state", "resolved");
  await expect(page.getByTestId("resolved-count")).toHaveText("1 of 1 resolved");
  await page.screenshot({ path: "test-results/kitchen-three-panel-resolved.png", fullPage: true });

  await commit.click();
  await expect(page.getByTestId("merge-done")).toContainText(/Merged dev into padma_margins: commit [0-9a-f]{8}/);

  // The merged content is on padma_margins' branch: in the API and in the editor.
  const merged = await readFile(padma, "padma_margins", FILE);
  expect(merged).toContain("count(*) as orders");
  expect(merged).toContain("sum(cost) as margin");
  expect(merged).not.toMatch(/^(<{7}|={7}|>{7})/m);
  await page.getByRole("link", { name: "Open the merged file" }).click();
  await expect(page).toHaveURL(/\/kitchens\/padma_margins\/files\?path=analysis%2Fmargins\.sql$/);
  await expect(editorContent(page.getByTestId("file-editor"))).toContainText("sum(amount) - sum(cost) as margin");
  await expect(editorContent(page.getByTestId("file-editor"))).toContainText("count(*) as orders");

  // Nothing is left to merge down, and the merge cannot be committed twice.
  await page.getByRole("link", { name: "Merge", exact: true }).click();
  await page.getByTestId("merge-down").getByRole("button", { name: "Preview merge down" }).click();
  await expect(page.getByTestId("merge-up-to-date")).toBeVisible();
  // A developer may preview merging into production but is not offered the merge: production
  // takes changes through merge requests only.
  await page.goto("/kitchens/dev/merge");
  const intoProduction = page.getByTestId("merge-up");
  await expect(intoProduction).toContainText("production takes changes through merge requests (1 approval by a production engineer, green checks): open one below.");
  await intoProduction.getByRole("button", { name: "Preview merge up" }).click();
  await expect(intoProduction.getByTestId("merge-preview")).toContainText(FILE);
  await expect(intoProduction.getByRole("button", { name: /^Merge dev into production/ })).toHaveCount(0);
  expect(errors).toEqual([]);

  // Chris (on dev's staff, not on padma_margins') merges her work up into dev from her Kitchen's page.
  const chrisPage = await browser.newPage();
  await signIn(chrisPage, "chris@galley.local");
  await chrisPage.goto("/kitchens/padma_margins/merge");
  const up = chrisPage.getByTestId("merge-up");
  await up.getByRole("button", { name: "Preview merge up" }).click();
  await expect(up.getByTestId("merge-preview")).toContainText(FILE);
  await up.getByRole("button", { name: "Merge padma_margins into dev" }).click();
  await expect(up.getByTestId("merge-committed")).toContainText("Merged padma_margins into dev");
  expect(await readFile(chris, "dev", FILE)).toBe(merged);
  await chrisPage.close();
  await chris.dispose();
  await padma.dispose();
});

test("aborting a conflicted merge leaves the Kitchen as it was", async ({ page, playwright, baseURL }) => {
  const errors = watchErrors(page);
  const chris = await apiSession(playwright, baseURL!, "chris@galley.local");
  const padma = await apiSession(playwright, baseURL!, "padma@galley.local");
  const created = await padma.post("/api/kitchens", { data: { name: "padma_abort", parent: "dev" } });
  expect(created.status(), await created.text()).toBe(201);
  const mine = (await readFile(padma, "padma_abort", "README.md")) + "\nPadma's note.\n";
  await commitFile(padma, "padma_abort", "README.md", mine, "README: Padma's note");
  await commitFile(chris, "dev", "README.md", (await readFile(chris, "dev", "README.md")) + "\nChris's note.\n", "README: Chris's note");

  const merge = await padma.post("/api/kitchens/padma_abort/merge", { data: { direction: "down" } });
  const outcome = (await merge.json()) as { status: string; mergeId: string };
  expect(outcome.status).toBe("conflicts");

  await signIn(page, "padma@galley.local");
  await page.goto(`/merges/${outcome.mergeId}`);
  await expect(page.getByTestId("panel-result")).toContainText("Result");
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Abort" }).click();
  await expect(page).toHaveURL(/\/kitchens\/padma_abort\/merge$/);
  expect(await readFile(padma, "padma_abort", "README.md")).toBe(mine);
  await page.goto(`/merges/${outcome.mergeId}`);
  await expect(page.getByTestId("merge-closed")).toContainText("This merge is aborted");
  await expect(page.getByRole("button", { name: "Commit merge" })).toHaveCount(0);
  expect(errors).toEqual([]);
  await chris.dispose();
  await padma.dispose();
});

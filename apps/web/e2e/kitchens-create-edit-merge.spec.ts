// The Kitchen story in the browser (PRODUCT.md steps 1-3): Padma creates padma_margin under dev,
// changes its SQL in the editor, sees the change against dev, and merges dev's newer work down.
import { expect, test } from "@playwright/test";
import { apiSession, commitFile, editorContent, editorText, replaceEditorText, signIn, watchErrors } from "./kitchens-helpers";

const SQL_PATH = "pipelines/orders_daily/transform.sql";
const MARGIN_LINE = "-- profitability: margin per order, for marketing";

test("Padma creates padma_margin under dev, edits its SQL, compares with dev and merges dev down", async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await signIn(page, "padma@galley.local");

  // 1. From the tree: New Kitchen on dev, which Padma staffs.
  const devRow = page.getByRole("list", { name: "Kitchen tree" }).locator('[data-kitchen="dev"]');
  await devRow.getByRole("link", { name: "+ New Kitchen" }).click();
  await expect(page).toHaveURL(/\/kitchens\/dev\/new$/);

  const name = page.getByLabel("Name");
  await name.fill("padma-margin");
  await expect(page.getByText("lowercase letters, digits and _ only")).toBeVisible();
  await name.fill("dev");
  await expect(page.getByText("a Kitchen named dev already exists")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create Kitchen" })).toBeDisabled();
  await name.fill("padma_margin");
  await expect(page.getByText("✓ padma_margin is available")).toBeVisible();
  await page.getByLabel("Description").fill("Profitability analytics for marketing");
  await page.getByLabel("Invite staff").fill("chris@galley.local");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByRole("list", { name: "Invited" })).toContainText("chris@galley.local");
  await expect(page.getByLabel("Release environment")).toHaveValue("development");
  await page.screenshot({ path: "test-results/kitchen-create-form.png", fullPage: true });
  await page.getByRole("button", { name: "Create Kitchen" }).click();

  // 2. The creation report: timed steps and how each table was filled.
  const report = page.getByTestId("creation-report");
  await expect(report).toBeVisible({ timeout: 30_000 });
  await expect(report).toContainText("Kitchen padma_margin is ready");
  for (const step of ["branch", "schema", "records"]) await expect(report.locator(`[data-step="${step}"]`)).toContainText(/\d+ ms/);
  const tables = report.getByTestId("creation-tables");
  await expect(tables).toContainText("customers");
  await expect(tables).toContainText("orders_history");
  await expect(tables).toContainText("view");
  await page.screenshot({ path: "test-results/kitchen-created.png", fullPage: true });

  // 3. The Kitchen page: its lineage, staff and the tables in its schema.
  await report.getByRole("link", { name: "Open padma_margin" }).click();
  await expect(page).toHaveURL(/\/kitchens\/padma_margin$/);
  await expect(page.getByRole("heading", { name: "padma_margin" })).toBeVisible();
  await expect(page.getByTestId("lineage")).toContainText("dev");
  await expect(page.getByTestId("staff")).toContainText("Chris");
  await expect(page.getByTestId("kitchen-tables")).toContainText("orders_history");
  await page.screenshot({ path: "test-results/kitchen-page.png", fullPage: true });

  // 4. Files: open the SQL, change it, save with a commit message.
  await page.getByRole("link", { name: "Files", exact: true }).click();
  await page.getByTestId("file-tree").locator(`[data-file="${SQL_PATH}"]`).click();
  const editor = page.getByTestId("file-editor");
  await expect(editorContent(editor)).toContainText("orders_clean");
  const original = await editorText(editor);
  await replaceEditorText(page, editor, `${MARGIN_LINE}\n${original}`);
  await expect(page.getByText("modified", { exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/kitchen-editor.png", fullPage: true });
  await page.getByRole("button", { name: "Save…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Commit message").fill("Add the margin note for marketing");
  await dialog.getByRole("button", { name: "Commit" }).click();
  await expect(page.getByTestId("files-notice")).toContainText(/Committed [0-9a-f]{8} on padma_margin/);

  // 5. Compare with dev: one commit ahead, the SQL file changed, the added line in green.
  await page.getByRole("link", { name: "Compare", exact: true }).click();
  await expect(page.getByTestId("ahead")).toHaveText("1");
  await expect(page.getByTestId("behind")).toHaveText("0");
  await expect(page.getByTestId("changed-files")).toContainText(SQL_PATH);
  const diff = page.locator(`[data-testid=file-diff][data-path="${SQL_PATH}"]`);
  await expect(diff.locator('[data-diff="add"]')).toHaveCount(1);
  await expect(diff.locator('[data-diff="add"]')).toContainText(MARGIN_LINE);
  await page.screenshot({ path: "test-results/kitchen-compare.png", fullPage: true });

  // 6. Meanwhile Chris improves dev; Padma merges dev down: preview first, then the merge.
  const chris = await apiSession(playwright, baseURL!, "chris@galley.local");
  await commitFile(chris, "dev", "README.md", "# Analytics\n\nPipelines of the analytics team. Owned by DataOps.\n", "README: say who owns the repository");
  await page.getByRole("link", { name: "Merge", exact: true }).click();
  const down = page.getByTestId("merge-down");
  await expect(down).toContainText("Merge down from dev");
  await down.getByRole("button", { name: "Preview merge down" }).click();
  const preview = down.getByTestId("merge-preview");
  await expect(preview).toContainText("README.md");
  await expect(preview).toContainText("1 changed");
  await expect(preview).not.toContainText("conflict");
  await page.screenshot({ path: "test-results/kitchen-merge-preview.png", fullPage: true });
  await down.getByRole("button", { name: "Merge dev into padma_margin" }).click();
  await expect(down.getByTestId("merge-committed")).toContainText(/Merged dev into padma_margin: commit [0-9a-f]{8}/);

  // 7. The merge is the head of padma_margin's history, and both changes are on the branch.
  await down.getByRole("link", { name: "See it in padma_margin's history" }).click();
  await expect(page).toHaveURL(/\/kitchens\/padma_margin\/history\?sha=[0-9a-f]{40}$/);
  const head = page.getByTestId("commit-list").locator("li").first();
  await expect(head).toContainText("merge");
  await expect(page.getByTestId("commit-detail")).toContainText(/Merge/);
  await expect(page.locator('[data-testid=file-diff][data-path="README.md"]')).toBeVisible();
  await page.getByRole("link", { name: "Compare", exact: true }).click();
  await expect(page.getByTestId("behind")).toHaveText("0");
  await expect(page.getByTestId("ahead")).toHaveText("2");
  expect(errors).toEqual([]);
  await chris.dispose();
});

test("the editor checks a pipeline as it is typed and marks the failing line", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, "padma@galley.local");
  await page.goto("/kitchens/padma_feature/files?path=pipelines/smoke_test/pipeline.yaml");
  const editor = page.getByTestId("file-editor");
  await expect(editorContent(editor)).toContainText("smoke_test");
  await expect(page.getByTestId("validation")).toContainText("no errors");
  const text = await editorText(editor);
  // A node depending on one that does not exist.
  await replaceEditorText(page, editor, text.replace(/^nodes:\n/m, "nodes:\n  - id: orphan\n    type: sql\n    sql: select 1\n    depends_on: [nowhere]\n"));
  const problems = page.getByTestId("validation-error");
  await expect(problems.first()).toContainText("pipelines/smoke_test/pipeline.yaml:", { timeout: 10_000 });
  await expect(problems.first()).toContainText("nowhere");
  await expect(editor.locator(".cm-galley-error-line").first()).toBeVisible();
  await page.screenshot({ path: "test-results/kitchen-editor-errors.png", fullPage: true });
  // Nothing was saved: leaving asks first. Staying (a tab link, dismissed) keeps the edit; then another file, accepted.
  page.once("dialog", (d) => d.dismiss());
  await page.getByRole("link", { name: "History", exact: true }).click();
  await expect(page).toHaveURL(/\/kitchens\/padma_feature\/files\?path=pipelines\/smoke_test\/pipeline\.yaml$/);
  await expect(editorContent(editor)).toContainText("nowhere");
  page.once("dialog", (d) => d.accept());
  await page.getByTestId("file-tree").locator('[data-file="README.md"]').click();
  await expect(page.getByTestId("open-file")).toHaveText("README.md");
  expect(errors).toEqual([]);
});

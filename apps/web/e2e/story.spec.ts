// Galley's acceptance test: PRODUCT.md's story, seven steps, four people, each in their own
// browser context, through the UI only. The API and the warehouses are read (never written) to
// check what the UI claims: rows in the Kitchens' schemas, the schedule's next time, the alert
// that reached the production channel. A screenshot per step is a test artifact (and, with
// STORY_DOCS_IMG=1 as `pnpm test:story` sets, the guides' pictures in docs/guide/img/).
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { expect as baseExpect, test, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { startHttpReceiver, type HttpReceiver } from "@galley/alerts/testing";
import { adminUrl, withDatabase } from "@galley/db/testing";
import { E2E_WAREHOUSE_PREFIX } from "./e2e-env";
import { editorContent, editorText, replaceEditorText, signIn, watchErrors } from "./kitchens-helpers";

const RUN_TIMEOUT = 120_000;
// Four people on a machine that may be busy (CI, other sessions): UI waits get 30 s, not 10.
const expect = baseExpect.configure({ timeout: 30_000 });
const KITCHEN = "padma_profit";
const TRANSFORM = "pipelines/orders_daily/transform.sql";
const PIPELINE_YAML = "pipelines/orders_daily/pipeline.yaml";
const MARGIN_SQL = "round(amount::numeric * 0.3, 2) as margin";
const DOCS_IMG = path.resolve(import.meta.dirname, "../../../docs/guide/img");

// About 3 minutes on an idle machine; generous because CI machines are shared.
test.describe.configure({ timeout: 600_000 });

async function shot(page: Page, name: string) {
  const file = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await test.info().attach(name, { path: file, contentType: "image/png" });
  if (process.env.STORY_DOCS_IMG === "1") {
    mkdirSync(DOCS_IMG, { recursive: true });
    copyFileSync(file, path.join(DOCS_IMG, `${name}.png`));
  }
}

async function person(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await signIn(page, email);
  return { page, errors, context };
}

async function query<T extends pg.QueryResultRow>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: withDatabase(adminUrl(), database) });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}
const DEV_WH = `${E2E_WAREHOUSE_PREFIX}_dev`;
const PROD_WH = `${E2E_WAREHOUSE_PREFIX}_prod`;
const hasColumn = async (db: string, schema: string, table: string, column: string) =>
  (await query(db, "select 1 from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3", [schema, table, column])).length === 1;

const dagNode = (page: Page, id: string) => page.getByTestId("dag").locator(`[data-testid=dag-node][data-node="${id}"]`);

/** Presses Run on a pipeline's page and waits for the run to finish; returns its URL. */
async function runPipeline(page: Page, kitchen: string, pipeline: string, expected: "succeeded" | "failed") {
  await page.goto(`/kitchens/${kitchen}/pipelines/${pipeline}`);
  await page.getByTestId("run-button").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  // Wait for the run to settle, then say which way it went (a wrong outcome fails at once, not at the timeout).
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", /^(succeeded|failed|cancelled)$/, { timeout: RUN_TIMEOUT });
  await expect(page.getByTestId("run-status"), `${pipeline} in ${kitchen}: ${await page.getByTestId("node-panel").first().innerText().catch(() => "")}`).toHaveAttribute("data-status", expected, { timeout: 1 });
  return page.url();
}

test("the story: Padma's profitability pipeline goes from a new Kitchen to a scheduled production run", async ({ browser, playwright, baseURL }) => {
  const receiver: HttpReceiver = await startHttpReceiver();
  const padma = await person(browser, "padma@galley.local");
  const chris = await person(browser, "chris@galley.local");
  const eric = await person(browser, "eric@galley.local");
  const maya = await person(browser, "maya@galley.local");
  let requestUrl = "";
  let padmaRuns: string[] = [];

  await test.step("1. Padma creates padma_profit under dev, self-service, with a masked column", async () => {
    const p = padma.page;
    await p.goto("/kitchens/dev/new");
    await p.getByLabel("Name").fill(KITCHEN);
    await expect(p.getByText(`✓ ${KITCHEN} is available`)).toBeVisible();
    await p.getByLabel("Description").fill("Profitability analytics for marketing");
    await p.getByRole("button", { name: "+ Mask a column" }).click();
    await p.getByLabel("Mask 1 table").fill("customers");
    await p.getByLabel("Mask 1 column").fill("email");
    await p.getByLabel("Mask 1 kind").selectOption("hash");
    await shot(p, "developer-1-create-form");
    const started = Date.now();
    await p.getByRole("button", { name: "Create Kitchen" }).click();
    const report = p.getByTestId("creation-report");
    await expect(report).toContainText(`Kitchen ${KITCHEN} is ready`, { timeout: 60_000 });
    expect(Date.now() - started).toBeLessThan(60_000); // "in a minute"
    // The report names what was masked, and the rest are zero-copy views of dev.
    await expect(report.getByTestId("masked-columns")).toContainText("email (hash)");
    await expect(report.getByTestId("creation-tables")).toContainText("orders_history");
    await shot(p, "developer-1-created");
    // The warehouse agrees: a schema of its own, the emails hashed, the same customers.
    const [mine] = await query<{ n: string; same: string }>(DEV_WH,
      `select count(*) as n, count(*) filter (where k.email = d.email) as same from ${KITCHEN}.customers k join dev.customers d using (id)`);
    expect(Number(mine.n)).toBeGreaterThan(0);
    expect(Number(mine.same)).toBe(0);
  });

  await test.step("2. Padma changes the pipeline, adds a test, runs it and reads red and green", async () => {
    const p = padma.page;
    // A save that would break the pipeline says so and asks first; she cancels.
    await p.goto(`/kitchens/${KITCHEN}/files?path=${PIPELINE_YAML}`);
    const editor = p.getByTestId("file-editor");
    await expect(editorContent(editor)).toContainText("orders_daily");
    const yaml = await editorText(editor);
    await replaceEditorText(p, editor, yaml.replace("nodes:\n", "nodes:\n  - id: [broken\n"));
    await p.getByRole("button", { name: "Save…" }).click();
    const dialog = p.getByRole("dialog");
    await expect(dialog.getByTestId("save-breaks")).toContainText("This change breaks pipeline orders_daily");
    await expect(dialog.getByRole("button", { name: "Commit anyway" })).toBeVisible();
    await shot(p, "developer-2-save-breaks");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);

    // The margin for marketing, in the SQL.
    p.once("dialog", (d) => d.accept()); // leave the broken edit unsaved
    await p.getByTestId("file-tree").locator(`[data-file="${TRANSFORM}"]`).click();
    await expect(p.getByTestId("open-file")).toHaveText(TRANSFORM);
    await expect(editorContent(editor)).toContainText("drop table if exists orders_clean");
    const sql = await editorText(editor);
    await replaceEditorText(p, editor, sql.replace("amount::numeric(12, 2) as amount,", `amount::numeric(12, 2) as amount, ${MARGIN_SQL},`));
    await p.getByRole("button", { name: "Save…" }).click();
    await p.getByRole("dialog").getByLabel("Commit message").fill("orders_clean: margin per order, for marketing");
    await p.getByRole("dialog").getByRole("button", { name: "Commit", exact: true }).click();
    await expect(p.getByTestId("files-notice")).toHaveAttribute("data-broken", "false");
    await expect(p.getByTestId("files-notice")).toContainText(`on ${KITCHEN}`);

    // Tests on the output (margin present) from the pipeline page.
    await p.goto(`/kitchens/${KITCHEN}/pipelines/orders_daily`);
    await dagNode(p, "transform").click();
    await p.getByTestId("add-test").click();
    const form = p.getByTestId("add-test-form");
    await form.getByLabel("Name").fill("margin_present");
    await form.getByLabel("Kind").selectOption("not_null");
    await form.getByLabel("Table").fill("orders_clean");
    await form.getByLabel("Column").fill("margin");
    await form.getByRole("button", { name: "Commit test" }).click();
    await expect(p.getByTestId("add-test-done")).toContainText(`to ${KITCHEN}`);

    // Run: every node green, live; the new test passed; the rows are in her schema.
    const green = await runPipeline(p, KITCHEN, "orders_daily", "succeeded");
    padmaRuns.push(green);
    for (const id of ["load_orders", "transform", "summary", "record_summary"]) await expect(dagNode(p, id)).toHaveAttribute("data-status", "succeeded");
    await dagNode(p, "transform").click();
    await expect(p.getByTestId("node-panel")).toContainText("margin_present");
    await shot(p, "developer-2-run-green");
    expect(await hasColumn(DEV_WH, KITCHEN, "orders_clean", "margin")).toBe(true);
    const [{ n: nullMargins }] = await query<{ n: string }>(DEV_WH, `select count(*) filter (where margin is null) as n from ${KITCHEN}.orders_clean`);
    expect(Number(nullMargins)).toBe(0);
    expect(await hasColumn(DEV_WH, "dev", "orders_clean", "margin")).toBe(false); // dev untouched

    // A red run opens on the failed node's log.
    const red = await runPipeline(p, KITCHEN, "smoke_test", "failed");
    padmaRuns.push(red);
    await expect(p.getByTestId("node-panel")).toHaveAttribute("data-node", "check");
    await expect(dagNode(p, "check")).toHaveAttribute("data-status", "failed");
    await shot(p, "developer-2-run-red");
  });

  await test.step("3. Padma merges dev down, re-runs and asks for review", async () => {
    const p = padma.page;
    await p.goto(`/kitchens/${KITCHEN}/merge`);
    const down = p.getByTestId("merge-down");
    await down.getByRole("button", { name: "Preview merge down" }).click();
    const upToDate = down.getByTestId("merge-up-to-date");
    const preview = down.getByTestId("merge-preview");
    await expect(upToDate.or(preview)).toBeVisible();
    if (await preview.isVisible()) {
      // dev moved on since she started (earlier specs on a shared Galley): the preview shows the diffs.
      await expect(preview.getByTestId("merge-preview-diff")).toBeVisible();
      await down.getByRole("button", { name: `Merge dev into ${KITCHEN}` }).click();
      await expect(down.getByTestId("merge-committed")).toContainText(`Merged dev into ${KITCHEN}`);
      // Re-run at the new head: the merge request's check is the run at its head commit.
      padmaRuns.push(await runPipeline(p, KITCHEN, "orders_daily", "succeeded"));
    }
    await p.goto(`/kitchens/${KITCHEN}/merge`);
    const form = p.getByTestId("open-request-form");
    await form.getByLabel("Title").fill("Profitability: margin per order");
    await form.getByLabel("Description").fill("Adds margin to orders_clean, with a not-null test.");
    await form.getByRole("button", { name: "Open merge request" }).click();
    await expect(p).toHaveURL(/\/merge-requests\/[0-9a-f-]{36}$/);
    requestUrl = p.url();
    await expect(p.getByTestId("request-status")).toHaveText("open");
    await expect(p.getByTestId("file-diff").filter({ hasText: TRANSFORM })).toBeVisible();
    await expect(p.getByTestId("request-check").filter({ hasText: "orders_daily" })).toHaveAttribute("data-state", /passed|warned/);
    await shot(p, "developer-3-merge-request");
  });

  await test.step("4. Chris reviews, merges into dev, schedules it and re-runs", async () => {
    const p = chris.page;
    await p.goto(requestUrl);
    // Asked to merge it, Chris may read padma_profit's files and runs (he is not on its staff).
    await p.getByTestId("source-links").getByRole("link", { name: `${KITCHEN}'s runs` }).click();
    await expect(p.getByRole("heading", { name: `Run history of ${KITCHEN}` })).toBeVisible();
    await expect(p.getByTestId("runs-table").or(p.locator("table")).first()).toContainText("orders_daily");
    await p.goto(`/kitchens/${KITCHEN}/files?path=${TRANSFORM}`);
    await expect(editorContent(p.getByTestId("file-editor"))).toContainText("margin");
    await p.goto(requestUrl);
    // The data diff: orders_clean in her schema against dev's, computed in the warehouse.
    await p.getByTestId("data-diff").getByRole("button", { name: "Compare data" }).click();
    await expect(p.locator('[data-testid=data-diff-table][data-table="orders_clean"]')).toContainText(/\+margin|new table/);
    await p.getByLabel("Comment").fill("Margin looks right; tested.");
    await p.getByRole("button", { name: "Approve" }).click();
    await expect(p.getByTestId("request-review")).toContainText("Chris approved");
    await shot(p, "dataops-4-review");
    await p.getByRole("button", { name: "Merge into dev" }).click();
    await expect(p.getByTestId("request-status")).toHaveText("merged");
    await expect(p.getByTestId("request-merged")).toContainText("Merged by Chris");

    // The Monday schedule, committed on dev (it travels to production with the next merge).
    await p.goto("/kitchens/dev/schedules");
    await p.getByLabel("Schedule name").fill("weekly_profit");
    await p.getByLabel("Pipeline").fill("orders_daily");
    await p.getByLabel("Cron rule").fill("0 6 * * 1");
    await p.getByLabel("Time zone").fill("UTC");
    await p.getByRole("button", { name: "Save schedule (commit)" }).click();
    await expect(p.getByTestId("schedule-weekly_profit")).toContainText("0 6 * * 1");
    await shot(p, "dataops-4-schedule");

    // Re-run her tests in dev at dev's head: the check production's merge rules ask for.
    await runPipeline(p, "dev", "orders_daily", "succeeded");
    await dagNode(p, "transform").click();
    await expect(p.getByTestId("node-panel")).toContainText("margin_present");
    await shot(p, "dataops-4-dev-run");
    expect(await hasColumn(DEV_WH, "dev", "orders_clean", "margin")).toBe(true);
  });

  await test.step("5. Chris asks for the release; Eric approves and merges dev into production, re-runs and enables the schedule", async () => {
    const p = eric.page;
    // The production channel first: a webhook route that hears every finished run.
    await p.goto("/kitchens/production/settings");
    await p.getByLabel("Route kind").selectOption("webhook");
    await p.getByLabel("Route name").fill("production-channel");
    await p.getByLabel("Route target").fill(`${receiver.url}/production-channel`);
    await p.getByLabel("Run succeeded").check();
    await p.getByRole("button", { name: "Add route" }).click();
    await expect(p.getByTestId("alert-route-production-channel")).toBeVisible();

    // Chris, who owns pre-release checks, asks for the release; Eric reviews and merges it (an
    // author never approves their own request: four eyes on what reaches production).
    await chris.page.goto("/kitchens/dev/merge");
    const form = chris.page.getByTestId("open-request-form");
    await form.getByLabel("Title").fill("Release: profitability margin");
    await form.getByRole("button", { name: "Open merge request" }).click();
    await expect(chris.page).toHaveURL(/\/merge-requests\/[0-9a-f-]{36}$/);
    await p.goto(chris.page.url());
    await expect(p.getByTestId("request-check").filter({ hasText: "orders_daily" })).toHaveAttribute("data-state", /passed|warned/);
    const missing = p.getByTestId("request-missing");
    await expect(missing).toContainText("needs 1 approval by a production engineer");
    await expect(p.getByRole("button", { name: "Merge into production" })).toBeDisabled();
    // The test history of what he is about to promote.
    await expect(p.getByTestId("request-check").filter({ hasText: "orders_daily" })).toContainText(/\d+ tests? passed/);
    await p.getByRole("button", { name: "Approve" }).click();
    await expect(p.getByTestId("request-verdict")).toContainText("Ready to merge into production");
    await shot(p, "production-5-request");
    await p.getByRole("button", { name: "Merge into production" }).click();
    await expect(p.getByTestId("request-status")).toHaveText("merged");

    // Re-run in production: green, the margin in the production warehouse, the alert in the production channel.
    const before = receiver.received.length;
    await runPipeline(p, "production", "orders_daily", "succeeded");
    await shot(p, "production-5-run");
    expect(await hasColumn(PROD_WH, "production", "orders_clean", "margin")).toBe(true);
    await expect.poll(() => receiver.received.slice(before).filter((r) => r.path === "/production-channel").length, { timeout: 30_000 }).toBeGreaterThan(0);
    const alert = JSON.stringify(receiver.received.slice(before).find((r) => r.path === "/production-channel")!.body);
    expect(alert).toContain("production");

    // The schedule arrived switched off; only he may switch it on. Next: a Monday, 06:00 UTC.
    await p.goto("/kitchens/production/schedules");
    const schedule = p.getByTestId("schedule-weekly_profit");
    await expect(schedule).toContainText("disabled");
    await schedule.getByRole("button", { name: "Enable" }).click();
    await expect(schedule.getByRole("button", { name: "Disable" })).toBeVisible();
    await expect(schedule).toContainText("Next:");
    await shot(p, "production-5-schedule");
    const api = await playwright.request.newContext({ baseURL, storageState: await eric.context.storageState() });
    const list = (await (await api.get("/api/kitchens/production/schedules")).json()) as { schedules: { name: string; enabled: boolean; nextRuns: string[] }[] };
    const weekly = list.schedules.find((s) => s.name === "weekly_profit")!;
    expect(weekly.enabled).toBe(true);
    const next = new Date(weekly.nextRuns[0]);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 6, 0]);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    await api.dispose();

    // Developers cannot touch production.
    await padma.page.goto("/kitchens/production/pipelines/orders_daily");
    await expect(padma.page.getByTestId("run-button")).toHaveCount(0);
  });

  await test.step("6. Maya opens the dashboard and sees the pipeline and its tests", async () => {
    const p = maya.page;
    await p.getByTestId("nav-dashboard").click();
    await expect(p).toHaveURL(/\/dashboard$/);
    const prod = p.locator('[data-testid=dashboard-pipeline-row][data-kitchen="production"][data-pipeline="orders_daily"]');
    await expect(prod.getByTestId("freshness")).toContainText("succeeded");
    await shot(p, "manager-6-dashboard");
    await p.goto("/kitchens/production/pipelines/orders_daily/tests/transform/margin_present");
    await expect(p.locator("body")).toContainText("margin_present");
    await shot(p, "manager-6-test-history");
  });

  await test.step("7. Padma deletes her Kitchen: branch and schema go, history stays", async () => {
    const p = padma.page;
    await p.goto(`/kitchens/${KITCHEN}/settings`);
    const remove = p.getByRole("button", { name: `Delete ${KITCHEN}` });
    await expect(remove).toBeDisabled(); // asks for the name first
    await p.getByLabel(`Type ${KITCHEN} to confirm`).fill(KITCHEN);
    await shot(p, "developer-7-delete");
    await remove.click();
    await expect(p).toHaveURL(/\/$/);
    await expect(p.getByRole("list", { name: "Kitchen tree" })).not.toContainText(KITCHEN);
    expect(await query(DEV_WH, "select 1 from information_schema.schemata where schema_name = $1", [KITCHEN])).toEqual([]);
    const branch = await p.request.get(`/api/kitchens/${KITCHEN}/files`);
    expect(branch.status()).toBe(404);
    // History stays: her runs, the run pages, the merged request.
    await p.goto(`/runs?kitchen=${KITCHEN}`);
    await expect(p.getByTestId("kitchen-deleted")).toBeVisible();
    await expect(p.locator("main")).toContainText("orders_daily");
    await shot(p, "developer-7-history");
    await p.goto(padmaRuns[0]);
    await expect(p.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
    await p.goto(requestUrl);
    await expect(p.getByTestId("request-status")).toHaveText("merged");
  });

  for (const who of [padma, chris, eric, maya]) expect(who.errors).toEqual([]);
  await Promise.all([padma, chris, eric, maya].map((w) => w.context.close()));
  await receiver.close();
});

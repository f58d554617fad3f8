// Issue 8 in the browser, as the people who use it: Padma adds a data test from a node's panel
// (a commit of pipeline.yaml), runs the pipeline and reads the run's test table (value, limits,
// verdict, "succeeded with warnings"); Chris creates a schedule (cron, time zone, parameters) and
// sees its next times, a bad rule is refused where it was typed; a developer on production's
// staff is told she may not switch its schedules; Chris adds a webhook alert route to a local
// receiver, sends a test, and a broken route shows as failing. SQL nodes only: no executor needed.
import { expect, test } from "@playwright/test";
import { startHttpReceiver, type HttpReceiver } from "@galley/alerts/testing";
import { apiSession, commitFile, readFile, signIn, watchErrors } from "./kitchens-helpers";

const RUN_TIMEOUT = 90_000;

const PIPELINE = `name: e2e_checks
description: A small table and tests on it (browser test of issue 8).
nodes:
  - id: make
    type: sql
    sql: "drop table if exists e2e_checked; create table e2e_checked as select g as id, case when g = 3 then null else g * 10 end as amount from generate_series(1, 5) g;"
    tests:
      - name: has_rows
        metric: { row_count: e2e_checked }
        check: "> 0"
        level: fail
  - id: after
    type: sql
    depends_on: [make]
    sql: "select count(*) from e2e_checked"
`;

let receiver: HttpReceiver;
test.beforeAll(async () => {
  receiver = await startHttpReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

test.describe.configure({ mode: "serial" });

test("Padma adds a test from the node panel, runs, and reads value, limits and verdict; the run succeeded with warnings", async ({ page, playwright, baseURL }) => {
  test.setTimeout(RUN_TIMEOUT + 60_000);
  const problems = watchErrors(page);
  const api = await apiSession(playwright, baseURL!, "padma@galley.local");
  await commitFile(api, "padma_feature", "pipelines/e2e_checks/pipeline.yaml", PIPELINE, "e2e: a pipeline with a data test");

  await signIn(page, "padma@galley.local");
  await page.goto("/kitchens/padma_feature/pipelines/e2e_checks");
  await page.getByTestId("dag").locator('[data-testid=dag-node][data-node="make"]').click();
  const panel = page.getByTestId("pipeline-node");
  await expect(panel).toContainText("has_rows");
  await panel.getByTestId("add-test").click();
  const form = panel.getByTestId("add-test-form");
  await form.locator('input[name="name"]').fill("amount_present");
  await form.locator('select[name="kind"]').selectOption("not_null");
  await form.locator('select[name="level"]').selectOption("warn");
  await form.locator('input[name="table"]').fill("e2e_checked");
  await form.locator('input[name="column"]').fill("amount");
  await form.getByRole("button", { name: "Commit test" }).click();
  await expect(panel.getByTestId("add-test-done")).toContainText("Committed");
  // Tests stay files: the form wrote YAML into pipeline.yaml on Padma's branch.
  const yaml = await readFile(api, "padma_feature", "pipelines/e2e_checks/pipeline.yaml");
  expect(yaml).toContain("amount_present");
  expect(yaml).toMatch(/not_null:\s*\{?\s*table: e2e_checked/);

  // A bad test is refused in the form, naming what is wrong, and writes nothing.
  await panel.getByTestId("add-test").click();
  await form.locator('input[name="name"]').fill("amount_present");
  await form.locator('input[name="table"]').fill("e2e_checked");
  await form.locator('input[name="column"]').fill("amount");
  await form.getByRole("button", { name: "Commit test" }).click();
  await expect(panel.getByTestId("add-test-error")).toContainText("amount_present");
  expect(await readFile(api, "padma_feature", "pipelines/e2e_checks/pipeline.yaml")).toBe(yaml);

  await page.reload();
  await page.getByTestId("run-button").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const node = (id: string) => page.getByTestId("dag").locator(`[data-testid=dag-node][data-node="${id}"]`);
  await expect(node("after")).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
  const status = page.getByTestId("run-status");
  await expect(status).toHaveAttribute("data-status", "succeeded");
  await expect(status).toHaveAttribute("data-warnings", "1");
  await expect(status).toContainText("succeeded with 1 warning");

  await node("make").click();
  const tests = page.getByTestId("node-panel").getByTestId("node-tests");
  const warned = tests.locator('[data-testid=test-row][data-test="amount_present"]');
  await expect(warned).toHaveAttribute("data-verdict", "warned");
  await expect(warned.getByTestId("test-value")).toHaveText("1");
  await expect(warned.getByTestId("test-limits")).toHaveText("= 0");
  await expect(warned.getByTestId("test-message")).toContainText("1 failing row");
  await warned.locator("summary").click();
  await expect(warned.getByTestId("test-examples")).toContainText('"id":3');
  const passed = tests.locator('[data-testid=test-row][data-test="has_rows"]');
  await expect(passed).toHaveAttribute("data-verdict", "passed");
  await expect(passed.getByTestId("test-value")).toHaveText("5");
  await page.screenshot({ path: "test-results/run-tests.png", fullPage: true });
  expect(problems).toEqual([]);
  // Clean up: later specs merge padma_feature into dev and count the changed pipelines.
  const gone = await api.delete(`/api/kitchens/padma_feature/files/content?path=${encodeURIComponent("pipelines/e2e_checks/pipeline.yaml")}&message=${encodeURIComponent("e2e: remove the test pipeline")}`);
  expect(gone.status(), await gone.text()).toBeLessThan(300);
  await api.dispose();
});

test("Chris schedules a pipeline with cron, time zone and parameters; next times show; a bad rule is refused", async ({ page }) => {
  test.setTimeout(90_000);
  const problems = watchErrors(page);
  await signIn(page, "chris@galley.local");
  await page.goto("/kitchens/dev/schedules");
  const panel = page.getByTestId("schedules");
  await panel.getByLabel("Schedule name").fill("e2e_weekly");
  await panel.getByLabel("Pipeline").fill("smoke_test");
  await panel.getByLabel("Cron rule").fill("30 6 * * 1");
  await panel.getByLabel("Time zone").fill("Europe/Paris");
  await panel.getByLabel("Parameters").fill("expect_regions=3");
  await panel.getByRole("button", { name: /Save schedule/ }).click();
  const row = panel.getByTestId("schedule-e2e_weekly");
  await expect(row).toContainText("30 6 * * 1");
  await expect(row).toContainText("Europe/Paris");
  await expect(row.getByTestId("schedule-parameters")).toHaveText("expect_regions=3");
  await expect(row.getByTestId("next-runs")).toContainText("Next:");
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();

  // Bad input, each refused where it was typed; nothing is written.
  await panel.getByLabel("Schedule name").fill("e2e_bad");
  await panel.getByLabel("Cron rule").fill("61 * * * *");
  await panel.getByLabel("Parameters").fill("");
  await panel.getByRole("button", { name: /Save schedule/ }).click();
  await expect(panel.getByTestId("api-error")).toBeVisible();
  await panel.getByLabel("Cron rule").fill("0 6 * * *");
  await panel.getByLabel("Time zone").fill("Mars/Olympus");
  await panel.getByRole("button", { name: /Save schedule/ }).click();
  await expect(panel.getByTestId("api-error")).toContainText("Mars/Olympus");
  await panel.getByLabel("Time zone").fill("UTC");
  await panel.getByLabel("Parameters").fill("no_such_param=1");
  await panel.getByRole("button", { name: /Save schedule/ }).click();
  await expect(panel.getByTestId("api-error")).toContainText('no parameter "no_such_param"');
  await expect(panel.getByTestId("schedule-e2e_bad")).toHaveCount(0);

  // Chris (DataOps) may switch schedules in development.
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByRole("button", { name: "Disable" })).toBeVisible();
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByRole("button", { name: "Enable" })).toBeVisible();
  expect(problems).toEqual([]);
  // Clean up: later specs merge dev.
  const removed = await page.request.delete("/api/kitchens/dev/schedules/e2e_weekly", { headers: { origin: new URL(page.url()).origin } });
  expect(removed.status(), await removed.text()).toBeLessThan(300);
});

test("a developer on production's staff may not switch its schedules, and is told why", async ({ page, playwright, baseURL }) => {
  test.setTimeout(90_000);
  const eric = await apiSession(playwright, baseURL!, "eric@galley.local");
  // Eric (production engineer) schedules a pipeline in production: it arrives switched off.
  const made = await eric.post("/api/kitchens/production/schedules", { data: { name: "e2e_nightly", pipeline: "orders_daily", cron: "0 6 * * *", timezone: "Europe/Berlin" } });
  expect(made.status(), await made.text()).toBeLessThan(300);
  const add = await eric.post("/api/kitchens/production/staff", { data: { email: "padma@galley.local" } });
  expect(add.status(), await add.text()).toBeLessThan(300);
  const padmaId = ((await add.json()) as { staff: { id: string } }).staff.id;
  try {
    await signIn(page, "padma@galley.local");
    await page.goto("/kitchens/production/schedules");
    const panel = page.getByTestId("schedules");
    await expect(panel.getByTestId("switch-refusal")).toContainText("only production engineers");
    const toggle = panel.getByTestId("schedule-e2e_nightly").getByRole("button", { name: /^(Enable|Disable)$/ });
    await expect(toggle).toBeDisabled();
    // The API refuses the same, and changes nothing.
    const label = (await toggle.textContent())!;
    const res = await page.request.put("/api/kitchens/production/schedules/e2e_nightly", { data: { enabled: label === "Enable" }, headers: { origin: new URL(baseURL!).origin } });
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("only production engineers");
    await page.reload();
    await expect(panel.getByTestId("schedule-e2e_nightly").getByRole("button", { name: /^(Enable|Disable)$/ })).toHaveText(label);
  } finally {
    const gone = await eric.delete(`/api/kitchens/production/staff/${padmaId}`);
    expect(gone.status(), await gone.text()).toBeLessThan(300);
    const removed = await eric.delete("/api/kitchens/production/schedules/e2e_nightly");
    expect(removed.status(), await removed.text()).toBeLessThan(300);
    await eric.dispose();
  }
});

test("Chris adds a webhook route to a local receiver, sends a test; a broken route shows as failing", async ({ page }) => {
  test.setTimeout(90_000);
  const problems = watchErrors(page);
  await signIn(page, "chris@galley.local");
  await page.goto("/kitchens/dev/settings");
  const panel = page.getByTestId("alert-routes");
  await panel.getByLabel("Route kind").selectOption("webhook");
  await panel.getByLabel("Route name").fill("e2e-hook");
  await panel.getByLabel("Route target").fill(`${receiver.url}/e2e-hook`);
  await panel.getByRole("button", { name: "Add route" }).click();
  const good = panel.getByTestId("alert-route-e2e-hook");
  await expect(good).toContainText("not used yet");
  // The URL went to the vault: only its host is shown.
  await expect(good).not.toContainText("/e2e-hook");
  await good.getByRole("button", { name: "Send test" }).click();
  await expect(good.getByRole("status")).toHaveText("Test message delivered.");
  await expect(good).toContainText("working");
  await expect.poll(() => receiver.received.filter((r) => r.path === "/e2e-hook").length).toBe(1);
  expect(JSON.stringify(receiver.received.find((r) => r.path === "/e2e-hook")!.body)).toContain("dev");

  // A route whose receiver answers 500 is shown as failing, with the reason.
  await panel.getByLabel("Route name").fill("e2e-broken");
  await panel.getByLabel("Route target").fill(`${receiver.url}/e2e-broken`);
  await panel.getByRole("button", { name: "Add route" }).click();
  const broken = panel.getByTestId("alert-route-e2e-broken");
  receiver.failNext([500]);
  await broken.getByRole("button", { name: "Send test" }).click();
  await expect(broken.getByRole("status")).toContainText("Test failed");
  await expect(broken).toContainText("failing");
  await expect(broken.getByRole("alert")).toContainText("500");
  await page.screenshot({ path: "test-results/alert-routes.png", fullPage: true });

  // Clean up: other specs count dev's routes and deliveries.
  for (const r of [good, broken]) await r.getByRole("button", { name: "Delete" }).click();
  await expect(panel.getByTestId("alert-route-e2e-hook")).toHaveCount(0);
  await expect(panel.getByTestId("alert-route-e2e-broken")).toHaveCount(0);
  expect(problems).toEqual([]);
});

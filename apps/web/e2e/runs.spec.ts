// Runs in the browser against the seeded demo (analytics repo with orders_daily and smoke_test)
// and the worker global-setup starts. Serial: smoke_test reads the table orders_daily builds.
import { expect, test, type Page } from "@playwright/test";

const PASSWORD = "galley-demo-2026";
const RUN_TIMEOUT = 90_000;

async function signIn(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

const node = (page: Page, id: string) => page.getByTestId("dag").locator(`[data-testid=dag-node][data-node="${id}"]`);

test.describe.configure({ mode: "serial" });

test("Padma runs dev's orders_daily, watches the nodes go green and reads a node's log", async ({ page }) => {
  test.setTimeout(RUN_TIMEOUT + 30_000);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && /hydrat|Content Security Policy|EventSource/i.test(m.text()) && problems.push(m.text()));
  await signIn(page, "padma@galley.local");
  await page.goto("/kitchens/dev/pipelines");
  const row = page.locator('[data-testid=pipeline-row][data-pipeline="orders_daily"]');
  await expect(row).toContainText("4 nodes");
  await row.getByRole("link", { name: "orders_daily" }).click();
  await expect(page).toHaveURL(/\/kitchens\/dev\/pipelines\/orders_daily$/);

  await expect(page.getByTestId("dag-node")).toHaveCount(4);
  await expect(page.getByTestId("parameters")).toContainText("min_amount");
  await page.screenshot({ path: "test-results/pipeline.png", fullPage: true });

  await page.getByTestId("run-button").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  // Every node turns green through the event stream, without reloading the page.
  for (const id of ["load_orders", "transform", "summary", "record_summary"]) {
    await expect(node(page, id)).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
  }
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("connection")).toHaveText("final");
  const executor = process.env.GALLEY_EXECUTOR === "local" ? /local executor: no container isolation/ : /docker/;
  await expect(page.getByTestId("executor")).toContainText(executor);

  await node(page, "summary").click();
  const panel = page.getByTestId("node-panel");
  await expect(panel).toHaveAttribute("data-node", "summary");
  await expect(panel.getByTestId("node-log")).toContainText(/\d+ orders, revenue/);
  await expect(panel.getByTestId("node-outputs")).toContainText("top_region");
  await expect(page.getByTestId("gantt-row")).toHaveCount(4);
  // The compiled pipeline shows every variable resolved for this Kitchen, and never a secret's value
  // (containers get the Kitchen role's credentials from the worker, not from the pipeline).
  await page.getByTestId("compiled-pipeline").locator("summary").click();
  await expect(page.getByTestId("compiled-pipeline")).toContainText('"schema": "dev"');
  await expect(page.getByTestId("compiled-pipeline")).toContainText("-c search_path=dev");
  await expect(page.locator("body")).not.toContainText("demo-password-2026");
  await page.screenshot({ path: "test-results/run-succeeded.png", fullPage: true });

  // The pipeline page now colours the graph with this run.
  await page.getByRole("link", { name: "orders_daily" }).first().click();
  await expect(node(page, "record_summary")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-status", "succeeded");
  expect(problems).toEqual([]);
});

test("a failing node turns red, shows its log and error, and the run offers Resume", async ({ page }) => {
  test.setTimeout(RUN_TIMEOUT + 30_000);
  await signIn(page, "padma@galley.local");
  await page.goto("/kitchens/dev/pipelines/smoke_test");
  await page.getByTestId("run-form").locator('input[name="param-expect_regions"]').fill("99");
  await page.getByTestId("run-button").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);

  await expect(node(page, "count_regions")).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
  await expect(node(page, "check")).toHaveAttribute("data-status", "failed", { timeout: RUN_TIMEOUT });
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "failed");
  await node(page, "check").click();
  const panel = page.getByTestId("node-panel");
  await expect(panel.getByTestId("node-status")).toHaveAttribute("data-status", "failed");
  await expect(panel.getByTestId("node-log")).toContainText("region count mismatch: expected 99");
  await expect(panel.getByTestId("node-error")).toBeVisible();
  await expect(page.getByTestId("resume-run")).toBeVisible();
  await page.screenshot({ path: "test-results/run-failed.png", fullPage: true });

  // The run history filters by status.
  await page.goto("/runs?kitchen=dev&status=failed");
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("run-row").first()).toContainText("smoke_test");

  // Opening the failed run shows the failed node's panel first; "Run again" starts a new run
  // of the same pipeline with the same parameters.
  await page.getByTestId("run-row").first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const failedUrl = page.url();
  await expect(page.getByTestId("node-panel").getByTestId("node-status")).toHaveAttribute("data-status", "failed");
  await page.getByTestId("run-again").click();
  await expect(page).not.toHaveURL(failedUrl);
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByText("expect_regions").first()).toBeVisible();
});

test("Maya, a manager, reads dev's pipelines but cannot run them", async ({ page }) => {
  await signIn(page, "maya@galley.local");
  const res = await page.request.get("/api/kitchens/dev/pipelines");
  expect(res.status()).toBe(200);
  const run = await page.request.post("/api/kitchens/dev/pipelines/smoke_test/runs", { data: {}, headers: { origin: new URL(page.url()).origin } });
  expect(run.status()).toBe(403);
});

// The manager's view (issue 8): Maya (viewer) signs in, opens the dashboard, sees its charts
// drawn from weeks of history, finds the drifting test first and opens its control chart, then
// a run page, read-only. History goes into production and padma_feature only: other specs count
// runs in dev.
import { expect, test } from "@playwright/test";
import { closeDb, getDb } from "@galley/db";
import { seedDemoHistory } from "../../../scripts/seed-demo-history";
import { E2E_DATABASE_URL } from "./e2e-env";
import { PASSWORD, watchErrors } from "./kitchens-helpers";

test.beforeAll(async () => {
  await seedDemoHistory(getDb(E2E_DATABASE_URL), { kitchens: ["production", "padma_feature"] });
  await closeDb(E2E_DATABASE_URL);
});

test("the manager sees the dashboard with charts drawn and opens a control chart", async ({ page }) => {
  // Generous: on a loaded machine signing in (password hashing) and the first renders are slow.
  test.setTimeout(120_000);
  const problems = watchErrors(page);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("maya@galley.local");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: 30_000 });
  await page.getByTestId("nav-dashboard").click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // Charts are drawn (SVG shapes, not just empty frames).
  await expect(page.getByTestId("chart-runs").locator(".recharts-bar-rectangle").first()).toBeVisible();
  expect(await page.getByTestId("chart-runs").locator(".recharts-bar-rectangle").count()).toBeGreaterThan(10);
  expect(await page.getByTestId("chart-tests").locator(".recharts-bar-rectangle").count()).toBeGreaterThan(10);
  await expect(page.getByTestId("chart-duration").locator("path.recharts-line-curve")).toBeVisible();

  // Every non-private Kitchen's pipelines, with rates and freshness.
  const prod = page.locator('[data-testid=dashboard-pipeline-row][data-kitchen="production"][data-pipeline="orders_daily"]');
  await expect(prod).toContainText("100%");
  await expect(prod.getByTestId("freshness")).toContainText("succeeded");
  await expect(page.locator('[data-testid=dashboard-pipeline-row][data-kitchen="padma_feature"]')).toBeVisible();
  await expect(page.getByTestId("tile-tests-not-passing")).not.toContainText(/^0$/);

  // The drifting test comes first; its control chart shows limits and the points that broke a rule.
  const first = page.getByTestId("dashboard-test-row").first();
  await expect(first).toContainText("rows_in_control");
  await expect(first).toContainText("warned");
  await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
  await first.getByTestId("control-chart-link").click();
  await expect(page).toHaveURL(/\/kitchens\/production\/pipelines\/orders_daily\/tests\/transform\/rows_in_control$/);
  const chart = page.getByTestId("control-chart");
  await expect(chart.locator("path.recharts-line-curve").first()).toBeVisible();
  expect(await chart.locator("path.recharts-line-curve").count()).toBeGreaterThanOrEqual(4); // value, mean, two limits
  expect(await chart.locator(".recharts-scatter-symbol").count()).toBeGreaterThanOrEqual(4); // broken points
  await expect(page.getByTestId("broken-count")).not.toHaveText("0");
  await expect(page.getByTestId("broken-points-list")).toContainText("8_on_one_side");
  await page.screenshot({ path: "test-results/control-chart.png", fullPage: true });

  // A broken point links to its run, which the manager may read (and not change).
  await page.getByTestId("broken-points-list").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("resume-run")).toHaveCount(0);
  expect(problems).toEqual([]);
});

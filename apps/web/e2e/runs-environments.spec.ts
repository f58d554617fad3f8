// The same pipeline, unchanged, in a developer Kitchen and in production: each run writes its own
// schema in its own environment's warehouse. Developers cannot start runs in production.
import { expect, test, type Page } from "@playwright/test";

const RUN_TIMEOUT = 90_000;

async function signIn(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("galley-demo-2026");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

async function runFromBrowser(page: Page, kitchen: string) {
  await page.goto(`/kitchens/${kitchen}/pipelines/orders_daily`);
  await page.getByTestId("run-button").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: RUN_TIMEOUT });
  const tables = await (await page.request.get(`/api/kitchens/${kitchen}/tables`)).json();
  const own = tables.tables.filter((t: { kind: string }) => t.kind === "table").map((t: { name: string }) => t.name);
  expect(own).toEqual(expect.arrayContaining(["orders_clean", "raw_orders", "summary_history"]));
}

test("Padma runs orders_daily in her own Kitchen; it lands in her schema", async ({ page }) => {
  test.setTimeout(RUN_TIMEOUT + 30_000);
  await signIn(page, "padma@galley.local");
  await runFromBrowser(page, "padma_feature");
});

test("Eric runs orders_daily in production; Padma may not start runs there", async ({ page, browser }) => {
  test.setTimeout(RUN_TIMEOUT + 30_000);
  await signIn(page, "eric@galley.local");
  await runFromBrowser(page, "production");

  const padma = await browser.newPage();
  await signIn(padma, "padma@galley.local");
  const res = await padma.request.post("/api/kitchens/production/pipelines/orders_daily/runs", { data: {}, headers: { origin: new URL(padma.url()).origin } });
  expect([403, 404]).toContain(res.status());
  await padma.close();
});

import { expect, test } from "@playwright/test";
import { signIn } from "./kitchens-helpers";

test("top-level navigation, the environments list and styled 404s with the header", async ({ page }) => {
  await signIn(page, "padma@galley.local");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Kitchens", "Runs", "Dashboard", "Environments"]) await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  await nav.getByRole("link", { name: "Environments", exact: true }).click();
  await expect(page).toHaveURL(/\/environments$/);
  await expect(page.getByTestId("environment-list")).toContainText("development");
  await expect(page.getByTestId("environment-list")).toContainText("production");

  // A Kitchen's Runs tab is its run history.
  await page.goto("/kitchens/dev");
  await page.getByRole("navigation", { name: "Kitchen sections" }).getByRole("link", { name: "Runs", exact: true }).click();
  await expect(page).toHaveURL(/\/runs\?kitchen=dev$/);
  await expect(page.getByRole("heading", { name: /Run history of dev/ })).toBeVisible();

  // An unknown pipeline is a 404 page with the header, not a 500.
  const res = await page.goto("/kitchens/dev/pipelines/no_such_pipeline");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  const other = await page.goto("/no/such/page");
  expect(other?.status()).toBe(404);
  await expect(page.getByTestId("user-name")).toHaveText("Padma");
});

// A Kitchen's life after creation: its history (revert the last commit), its settings (variables,
// staff, alert channel, API errors shown in place) and its deletion (PRODUCT.md step 7).
import { expect, test } from "@playwright/test";
import { apiSession, commitFile, readFile, signIn, watchErrors } from "./kitchens-helpers";

test("Padma reverts her last commit from the History tab", async ({ page, playwright, baseURL }) => {
  const errors = watchErrors(page);
  const padma = await apiSession(playwright, baseURL!, "padma@galley.local");
  const created = await padma.post("/api/kitchens", { data: { name: "padma_revert", parent: "dev" } });
  expect(created.status(), await created.text()).toBe(201);
  const before = await readFile(padma, "padma_revert", "README.md");
  await commitFile(padma, "padma_revert", "README.md", `${before}\nA line to take back.\n`, "README: a line to take back");

  await signIn(page, "padma@galley.local");
  await page.goto("/kitchens/padma_revert/history");
  await expect(page.getByTestId("commit-detail")).toContainText("README: a line to take back");
  await expect(page.locator('[data-testid=file-diff][data-path="README.md"] [data-diff="add"]').last()).toContainText("A line to take back.");
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Revert" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Reverted" })).toContainText(/Reverted [0-9a-f]{8} with commit [0-9a-f]{8}/);
  await expect(page.getByTestId("commit-list").locator("li").first()).toContainText("Revert");
  await expect(page.locator('[data-testid=file-diff][data-path="README.md"] [data-diff="del"]').last()).toContainText("A line to take back.");
  expect(await readFile(padma, "padma_revert", "README.md")).toBe(before);
  expect(errors).toEqual([]);
  await padma.dispose();
});

test("Padma sets a variable, manages staff and the description, sees where alerts go, then deletes her Kitchen", async ({ page, playwright, baseURL }) => {
  const errors = watchErrors(page);
  const padma = await apiSession(playwright, baseURL!, "padma@galley.local");
  const created = await padma.post("/api/kitchens", { data: { name: "padma_scratch", parent: "dev", isPersistent: false } });
  expect(created.status(), await created.text()).toBe(201);

  await signIn(page, "padma@galley.local");
  await page.goto("/kitchens/padma_scratch/settings");

  // Variables: set one here, and see where it comes from.
  await page.getByLabel("Variable name").fill("REPORT_CURRENCY");
  await page.getByLabel("Variable value").fill("EUR");
  await page.getByRole("button", { name: "Set variable" }).click();
  const row = page.locator('[data-variable="REPORT_CURRENCY"]');
  await expect(row).toContainText("EUR");
  await expect(row).toContainText("set here");

  // Staff: an unknown email is refused next to the field; a colleague is added, then removed.
  const staff = page.getByTestId("staff-settings");
  await staff.getByLabel("Email of the person to add").fill("nobody@galley.local");
  await staff.getByRole("button", { name: "Add to staff" }).click();
  await expect(staff.getByRole("alert")).toContainText("no active Galley user has the email nobody@galley.local");
  await staff.getByLabel("Email of the person to add").fill("eric@galley.local");
  await staff.getByRole("button", { name: "Add to staff" }).click();
  await expect(staff).toContainText("eric@galley.local");
  page.once("dialog", (d) => d.accept());
  await staff.getByRole("button", { name: "Remove Eric" }).click();
  await expect(staff).not.toContainText("eric@galley.local");

  // Description is saved; the overview says plainly that no alert route listens, and links to them.
  await page.getByLabel("Description").fill("Padma's scratch space");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Saved.", { exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Overview", exact: true }).click();
  // Until the overview has replaced the settings page, the description is there twice (the
  // header and the form): wait for the navigation, or strict mode may see both.
  await expect(page).toHaveURL(/\/kitchens\/padma_scratch$/);
  await expect(page.getByLabel("Description")).toHaveCount(0);
  await expect(page.getByText("Padma's scratch space")).toBeVisible();
  await expect(page.getByText("no alert route: nobody hears about failures")).toBeVisible();
  await expect(page.getByTestId("variables")).toContainText("REPORT_CURRENCY");

  // dev has children: its settings refuse deletion before anyone types anything.
  await page.goto("/kitchens/dev/settings");
  await expect(page.getByTestId("delete-blocked")).toContainText("has children");

  // Delete: the button waits for the exact name; then the Kitchen leaves the tree.
  await page.goto("/kitchens/padma_scratch/settings");
  const remove = page.getByRole("button", { name: "Delete padma_scratch" });
  await expect(remove).toBeDisabled();
  await page.getByLabel("Type padma_scratch to confirm").fill("padma_scratc");
  await expect(remove).toBeDisabled();
  await page.getByLabel("Type padma_scratch to confirm").fill("padma_scratch");
  await remove.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("list", { name: "Kitchen tree" }).locator('[data-kitchen="padma_scratch"]')).toHaveCount(0);
  expect((await padma.get("/api/kitchens/padma_scratch")).status()).toBe(404);
  expect(errors).toEqual([]);
  await padma.dispose();
});

import { expect, test } from "@playwright/test";
import { apiSession, commitFile, readFile, signIn } from "./kitchens-helpers";

test.describe.configure({ timeout: 240_000 });

test("a merge request from padma_feature into dev: opened by Padma, reviewed and merged by Chris; production refuses without approval and checks", async ({ browser, playwright, baseURL }) => {
  const padmaApi = await apiSession(playwright, baseURL!, "padma@galley.local");
  const transform = "pipelines/orders_daily/transform.sql";
  await commitFile(padmaApi, "padma_feature", transform, `-- reviewed in a merge request\n${await readFile(padmaApi, "padma_feature", transform)}`, "Note the review in transform.sql");

  const padma = await browser.newPage();
  await signIn(padma, "padma@galley.local");
  await padma.goto("/kitchens/padma_feature/merge");
  const form = padma.getByTestId("open-request-form");
  await form.getByLabel("Title").fill("Reviewed query");
  await form.getByLabel("Description").fill("Notes the review in transform.sql");
  await form.getByRole("button", { name: "Open merge request" }).click();
  await expect(padma).toHaveURL(/\/merge-requests\/[0-9a-f-]{36}$/);
  const url = padma.url();
  await expect(padma.getByTestId("request-status")).toHaveText("open");
  await expect(padma.getByTestId("file-diff").filter({ hasText: transform })).toBeVisible();
  // The changed pipeline is a check, not run yet at this commit; dev asks for no approval nor green checks.
  await expect(padma.getByTestId("request-check")).toHaveAttribute("data-state", "missing");
  await expect(padma.getByTestId("request-verdict")).toContainText("Ready to merge into dev");

  const chris = await browser.newPage();
  await signIn(chris, "chris@galley.local");
  await chris.goto(url);
  await chris.getByLabel("Comment").fill("Looks right to me.");
  await chris.getByRole("button", { name: "Approve" }).click();
  await expect(chris.getByTestId("request-review")).toContainText("Chris approved");
  await chris.getByRole("button", { name: "Merge into dev" }).click();
  await expect(chris.getByTestId("request-status")).toHaveText("merged");
  await expect(chris.getByTestId("request-merged")).toContainText("Merged by Chris");

  // dev → production: a request is required; Eric sees what is missing and cannot merge yet.
  await chris.goto("/kitchens/dev/merge");
  await expect(chris.getByTestId("merge-up")).toContainText("production takes changes through merge requests");
  const devForm = chris.getByTestId("open-request-form");
  await devForm.getByLabel("Title").fill("Release the reviewed query");
  await devForm.getByRole("button", { name: "Open merge request" }).click();
  await expect(chris).toHaveURL(/\/merge-requests\//);
  const prodUrl = chris.url();
  const eric = await browser.newPage();
  await signIn(eric, "eric@galley.local");
  await eric.goto(prodUrl);
  const missing = eric.getByTestId("request-missing");
  await expect(missing).toContainText("needs 1 approval by a production engineer on the latest commit (has 0)");
  await expect(eric.getByRole("button", { name: "Merge into production" })).toBeDisabled();
  await eric.getByRole("button", { name: "Approve" }).click();
  await expect(missing).not.toContainText("needs 1 approval");
  // The API says the same when asked to merge anyway.
  const ericApi = await apiSession(playwright, baseURL!, "eric@galley.local");
  const id = prodUrl.split("/").pop()!;
  const refused = await ericApi.post(`/api/merge-requests/${id}/merge`, { data: {} });
  expect(refused.status()).toBe(409);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/cannot be merged yet: check orders_daily has no run at the latest commit: run it in the source Kitchen/);
  await expect(missing).toContainText("check orders_daily has no run at the latest commit");
  // Close it: production stays as it was.
  await chris.goto(prodUrl);
  await chris.getByRole("button", { name: "Close request" }).click();
  await expect(chris.getByTestId("request-status")).toHaveText("closed");
});

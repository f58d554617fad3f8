// The admin Workers page (issue 11): issue a credential, start a worker host with it and see it
// appear, revoke it and see the status change while the worker drains and exits.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_ENV } from "./e2e-env";
import { signIn } from "./kitchens-helpers";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let worker: ChildProcess | undefined;

test.afterAll(() => {
  if (worker && worker.exitCode === null) worker.kill("SIGKILL");
});

test("an admin issues a worker credential, sees the worker that starts with it, and revokes it", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, "admin@galley.local");
  await page.getByTestId("nav-workers").click();
  await expect(page.getByRole("heading", { name: "Workers", level: 1 })).toBeVisible();

  const name = `e2e-host-${Date.now().toString(36)}`;
  await page.getByTestId("issue-pool").fill("default");
  await page.getByTestId("issue-name").fill(name);
  await page.getByTestId("issue-credential").click();
  const token = (await page.getByTestId("issued-token").textContent())!.trim();
  expect(token).toMatch(/^gwc_/);
  await expect(page.getByTestId("credential-row").filter({ hasText: name })).toContainText("live");

  // A worker host: nodes only, no key of its own (its pool's keys come with the credential).
  const env: NodeJS.ProcessEnv = { ...process.env, ...E2E_ENV, GALLEY_WORKER_CREDENTIAL: token, GALLEY_EXECUTOR: "local" };
  delete env.GALLEY_KEK;
  worker = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "apps/worker/src/main.ts"), "--role", "nodes", "--pool", "default", "--concurrency", "1"], { cwd: ROOT, env, stdio: "ignore" });
  const exited = new Promise<number | null>((r) => worker!.once("exit", (code) => r(code)));

  // The page re-reads every 3 s: the worker appears without a reload.
  const row = page.getByTestId("worker-row").filter({ hasText: name });
  await expect(row.getByTestId("worker-status")).toHaveText("live", { timeout: 180_000 });
  await expect(row).toContainText("default");

  page.once("dialog", (d) => void d.accept());
  await row.getByTestId("revoke-worker").click();
  await expect(row.getByTestId("worker-status")).toHaveText("revoked", { timeout: 30_000 });
  await expect(page.getByTestId("credential-row").filter({ hasText: name })).toContainText("revoked");
  // The worker notices at its next heartbeat, drains (nothing runs) and exits 78.
  expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 60_000))])).toBe(78);
});

test("people other than admins have no Workers page", async ({ page }) => {
  await signIn(page, "chris@galley.local");
  await expect(page.getByTestId("nav-workers")).toHaveCount(0);
  await page.goto("/admin/workers");
  await expect(page.getByText("only admins may")).toBeVisible();
});

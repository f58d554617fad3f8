import { expect, test, type Page } from "@playwright/test";

const PASSWORD = "galley-demo-2026";
const FORGED = { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" };

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("Padma signs in, sees the Kitchen tree and environments, and signs out", async ({ page }) => {
  const cspErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });

  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, "padma@galley.local");
  await expect(page).toHaveURL(/\/$/);

  await expect(page.getByTestId("user-name")).toHaveText("Padma");
  await expect(page.getByText("Developer", { exact: true })).toBeVisible();

  const tree = page.getByRole("list", { name: "Kitchen tree" });
  const production = tree.locator('[data-kitchen="production"]');
  await expect(production).toContainText("production");
  // Nesting mirrors the branch tree: production → dev → padma_feature.
  const devItem = tree.locator("li", { has: page.locator('[data-kitchen="dev"]') }).first();
  await expect(devItem.locator('[data-kitchen="padma_feature"]')).toBeVisible();
  await expect(tree.locator('[data-kitchen="padma_feature"]')).toContainText("Padma");
  await expect(tree.locator('[data-kitchen="dev"]')).toContainText("Chris, Padma, Eric");
  await expect(page.getByTestId("environment-row")).toHaveCount(2);
  await expect(page.getByTestId("environment-row").first()).toContainText("production");

  await page.screenshot({ path: "test-results/home.png", fullPage: true });

  await tree.getByRole("link", { name: "padma_feature" }).click();
  await expect(page).toHaveURL(/\/kitchens\/padma_feature$/);
  await expect(page.getByRole("heading", { name: "padma_feature" })).toBeVisible();
  await expect(page.getByText("Padma's feature work")).toBeVisible();
  await expect(page.getByRole("link", { name: "dev", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(cspErrors).toEqual([]);
});

test("a wrong password shows the error inline", async ({ page }) => {
  await signIn(page, "padma@galley.local", "not-her-password");
  await expect(page.getByTestId("sign-in-error")).toHaveText("email or password is incorrect");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("APIs answer 401 without a session, forged middleware header or not", async ({ page, request }) => {
  await page.goto("/sign-in");
  const status = await page.evaluate(async () => (await fetch("/api/kitchens")).status);
  expect(status).toBe(401);

  const forged = await request.get("/api/kitchens", { headers: FORGED });
  expect(forged.status()).toBe(401);
  expect(await forged.json()).toEqual({ error: { code: "unauthenticated", message: "sign in first" } });

  // Pages and their RSC payloads redirect rather than render.
  for (const path of ["/", "/?_rsc=1", "/kitchens/padma_feature"]) {
    const res = await request.get(path, { headers: { ...FORGED, rsc: "1" }, maxRedirects: 0 });
    expect([307, 308]).toContain(res.status());
    expect(await res.text()).not.toContain("padma_feature");
  }
});

test("a cross-origin mutation is refused even with a valid session", async ({ page }) => {
  await signIn(page, "chris@galley.local");
  await expect(page).toHaveURL(/\/$/);
  const res = await page.request.post("/api/auth/sign-out", { headers: { origin: "https://evil.example" } });
  expect(res.status()).toBe(403);
  await page.reload();
  await expect(page.getByTestId("user-name")).toHaveText("Chris");
});

test("security headers are set on pages and APIs", async ({ request }) => {
  const page = await request.get("/sign-in");
  expect(page.headers()["x-frame-options"]).toBe("DENY");
  expect(page.headers()["x-content-type-options"]).toBe("nosniff");
  expect(page.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(page.headers()["x-powered-by"]).toBeUndefined();
  const api = await request.get("/api/me");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
});

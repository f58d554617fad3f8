import { defineConfig } from "@playwright/test";
import { E2E_BASE_URL, E2E_DATA_DIR, E2E_ENV, E2E_PORT } from "./e2e/e2e-env";

// Browser tests against the production build. Debian's Chromium, never a downloaded browser.
// Order (Playwright runs the webServer before globalSetup): build + start the server, whose
// readiness page (/sign-in, signed out) touches no database; then globalSetup creates a fresh
// galley_e2e database, migrates and seeds it; then the specs run.
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Room for a loaded machine (seen: steps of 30 s at load average 25); a quiet one needs far less.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "playwright-report/results.json" }]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: E2E_BASE_URL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  // The story (PRODUCT.md, the acceptance test) runs last, after the other specs, in its own
  // project: `pnpm test:story` runs it alone on a freshly seeded Galley.
  projects: [
    { name: "chromium", use: { browserName: "chromium" }, testIgnore: /story\.spec\.ts$/ },
    { name: "story", use: { browserName: "chromium" }, testMatch: /story\.spec\.ts$/ },
  ],
  webServer: {
    // The data dir is wiped before the server starts; globalSetup then seeds it.
    // E2E_SKIP_BUILD=1 reuses the last build while iterating on specs (never in CI).
    command: `rm -rf '${E2E_DATA_DIR}' && mkdir -p '${E2E_DATA_DIR}' && ${process.env.E2E_SKIP_BUILD === "1" && process.env.CI !== "true" ? "" : "node ./node_modules/next/dist/bin/next build && "}PORT=${E2E_PORT} node start.mjs`,
    url: `${E2E_BASE_URL}/sign-in`,
    // next build alone takes 1-2 min on 2 idle cores; far longer when the machine is busy.
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: E2E_ENV,
  },
});

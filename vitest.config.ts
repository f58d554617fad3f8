import { defineConfig } from "vitest/config";

// unit: pure functions, no I/O. int: real PostgreSQL, Redis, git and Docker (started by scripts/test.sh).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/**/src/**/*.test.ts", "apps/**/src/**/*.test.ts", "apps/web/lib/**/*.test.ts", "apps/web/components/**/*.test.ts", "apps/web/app/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.attack.test.ts", "**/*.faults.test.ts", "**/*.hosts.test.ts", "**/node_modules/**"],
        },
      },
      // Named suites (pnpm test:attack / test:faults / test:hosts), also run by scripts/test.sh.
      ...(["attack", "faults", "hosts"] as const).map((name) => ({
        test: {
          name,
          include: [`packages/**/src/**/*.${name}.test.ts`, `apps/**/src/**/*.${name}.test.ts`, `apps/web/lib/**/*.${name}.test.ts`, `tests/${name}/**/*.test.ts`],
          exclude: ["**/node_modules/**"],
          globalSetup: ["./packages/db/src/testing/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: "forks" as const,
          // Faults and hosts stop and start shared services: one file at a time.
          fileParallelism: name === "attack",
        },
      })),
      {
        test: {
          name: "int",
          include: ["packages/**/src/**/*.int.test.ts", "apps/**/src/**/*.int.test.ts", "apps/web/lib/**/*.int.test.ts", "scripts/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["./packages/db/src/testing/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});

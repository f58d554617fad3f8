import { adminUrl, withDatabase } from "@galley/db/testing";

export const E2E_PORT = 3100;
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_DATABASE = "galley_e2e";
export const E2E_DATABASE_URL = withDatabase(adminUrl(), E2E_DATABASE);

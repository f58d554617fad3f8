// The web app's view of the configuration. loadConfig() (zod, parsed once) is the only reader
// of process.env; everything here derives from it.
import { loadConfig, type Config } from "@galley/core";

export function config(): Config {
  return loadConfig();
}

/** Served over HTTPS (per GALLEY_BASE_URL): cookies become Secure and `__Host-` prefixed. */
export function isSecureDeployment(): boolean {
  return new URL(config().GALLEY_BASE_URL).protocol === "https:";
}

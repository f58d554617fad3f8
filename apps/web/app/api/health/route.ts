import { currentHealth } from "../../../lib/health";
import { json } from "../../../lib/responses";
import { route } from "../../../lib/route";

export const GET = route({ auth: "none" }, async () => {
  const health = await currentHealth();
  return json(health, { status: health.status === "ok" ? 200 : 503 });
});

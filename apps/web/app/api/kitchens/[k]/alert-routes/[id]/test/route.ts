import { testAlertRoute } from "@galley/alerts";
import { z } from "zod";
import { alertTestDeps } from "../../../../../../../lib/alerts-deps";
import { route } from "../../../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100), id: z.uuid() });

/** Sends a test message now; the answer says whether the route works and, if not, why. */
export const POST = route({ auth: "user", params: ZParams }, async ({ user, params }) => testAlertRoute(alertTestDeps(), params.k, params.id, user));

import { createAlertRoute, listAlertRoutes, ZCreateAlertRouteInput } from "@galley/alerts";
import { z } from "zod";
import { alertRoutesDeps } from "../../../../../lib/alerts-deps";
import { route } from "../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100) });

export const GET = route({ auth: "user", params: ZParams }, async ({ user, params }) => listAlertRoutes(alertRoutesDeps(), params.k, user));

export const POST = route({ auth: "user", params: ZParams, body: ZCreateAlertRouteInput }, async ({ user, params, body, requestId }) => ({
  route: await createAlertRoute(alertRoutesDeps(), params.k, body, user, { requestId }),
}));

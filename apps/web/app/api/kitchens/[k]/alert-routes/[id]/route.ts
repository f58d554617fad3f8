import { deleteAlertRoute, updateAlertRoute, ZUpdateAlertRouteInput } from "@galley/alerts";
import { z } from "zod";
import { alertRoutesDeps } from "../../../../../../lib/alerts-deps";
import { route } from "../../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100), id: z.uuid() });

export const PATCH = route({ auth: "user", params: ZParams, body: ZUpdateAlertRouteInput }, async ({ user, params, body, requestId }) => ({
  route: await updateAlertRoute(alertRoutesDeps(), params.k, params.id, body, user, { requestId }),
}));

export const DELETE = route({ auth: "user", params: ZParams }, async ({ user, params, requestId }) => {
  await deleteAlertRoute(alertRoutesDeps(), params.k, params.id, user, { requestId });
});

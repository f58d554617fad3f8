import { deleteSchedule, setScheduleEnabled } from "@galley/schedules";
import { z } from "zod";
import { schedulesDeps } from "../../../../../../lib/alerts-deps";
import { db } from "../../../../../../lib/deps";
import { route } from "../../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100), name: z.string().max(100) });

/** Switch on or off (PostgreSQL only; production engineers in production). */
export const PUT = route({ auth: "user", params: ZParams, body: z.object({ enabled: z.boolean() }).strict() }, async ({ user, params, body, requestId }) =>
  setScheduleEnabled({ db: db() }, params.k, params.name, body.enabled, user, { requestId }),
);

export const DELETE = route({ auth: "user", params: ZParams }, async ({ user, params }) => deleteSchedule(await schedulesDeps(), params.k, params.name, user));

import { listSchedules, saveSchedule, ZScheduleInput } from "@galley/schedules";
import { z } from "zod";
import { schedulesDeps } from "../../../../../lib/alerts-deps";
import { route } from "../../../../../lib/route";

const ZParams = z.object({ k: z.string().max(100) });
const ZSave = ZScheduleInput.extend({ enable: z.boolean().optional() });

export const GET = route({ auth: "user", params: ZParams }, async ({ user, params }) => listSchedules(await schedulesDeps(), params.k, user));

/** Adds or replaces a schedule in the branch's schedules.yaml (a commit), optionally switching it on. */
export const POST = route({ auth: "user", params: ZParams, body: ZSave }, async ({ user, params, body }) => saveSchedule(await schedulesDeps(), params.k, body, user));

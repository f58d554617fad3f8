import { closeMergeRequest } from "@galley/merge-requests";
import { z } from "zod";
import { ZRequestParams } from "../../../../../lib/merge-requests-api";
import { mergeRequestsDeps } from "../../../../../lib/merge-requests-deps";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZRequestParams, output: z.object({ status: z.literal("closed") }) }, async ({ user, params }) => closeMergeRequest(await mergeRequestsDeps(), { id: params.id }, user));

import { reviewMergeRequest } from "@galley/merge-requests";
import { z } from "zod";
import { ZRequestParams, ZReviewInput } from "../../../../../lib/merge-requests-api";
import { mergeRequestsDeps } from "../../../../../lib/merge-requests-deps";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZRequestParams, body: ZReviewInput, output: z.object({ verdict: z.string(), commit: z.string() }) }, async ({ user, params, body, requestId }) =>
  reviewMergeRequest(await mergeRequestsDeps(), { id: params.id, verdict: body.verdict, body: body.body }, user, { requestId }),
);

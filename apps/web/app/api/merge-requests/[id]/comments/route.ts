import { commentOnMergeRequest } from "@galley/merge-requests";
import { z } from "zod";
import { ZCommentInput, ZRequestParams } from "../../../../../lib/merge-requests-api";
import { mergeRequestsDeps } from "../../../../../lib/merge-requests-deps";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZRequestParams, body: ZCommentInput, output: z.object({ id: z.string() }) }, async ({ user, params, body }) =>
  commentOnMergeRequest(await mergeRequestsDeps(), { id: params.id, ...body }, user),
);

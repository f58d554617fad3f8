import { mergeMergeRequest } from "@galley/merge-requests";
import { ZMergeOutcome } from "../../../../../lib/kitchens-api";
import { ZMergeRequestMergeInput, ZRequestParams } from "../../../../../lib/merge-requests-api";
import { mergeRequestsDeps } from "../../../../../lib/merge-requests-deps";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZRequestParams, body: ZMergeRequestMergeInput, output: ZMergeOutcome }, async ({ user, params, body, requestId }) =>
  mergeMergeRequest(await mergeRequestsDeps(), { id: params.id, message: body.message }, user, { requestId }),
);

import { getMergeRequest } from "@galley/merge-requests";
import { ZRequestParams, ZRequestView } from "../../../../lib/merge-requests-api";
import { mergeRequestsDeps } from "../../../../lib/merge-requests-deps";
import { route } from "../../../../lib/route";

export const GET = route({ auth: "user", params: ZRequestParams, output: ZRequestView }, async ({ user, params }) => getMergeRequest(await mergeRequestsDeps(), params.id, user));

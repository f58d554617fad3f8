import { listMergeRequests, openMergeRequest } from "@galley/merge-requests";
import { z } from "zod";
import { ZKitchenParams } from "../../../../../lib/kitchens-api";
import { ZListRequestsQuery, ZOpenRequestInput, ZRequestSummary } from "../../../../../lib/merge-requests-api";
import { mergeRequestsDeps } from "../../../../../lib/merge-requests-deps";
import { route } from "../../../../../lib/route";

export const GET = route({ auth: "user", params: ZKitchenParams, query: ZListRequestsQuery, output: z.object({ requests: z.array(ZRequestSummary) }) }, async ({ user, params, query }) => ({
  requests: await listMergeRequests(await mergeRequestsDeps(), { kitchen: params.k, status: query.status }, user),
}));

export const POST = route(
  { auth: "user", params: ZKitchenParams, body: ZOpenRequestInput, output: z.object({ id: z.string(), number: z.number(), source: z.string(), target: z.string() }) },
  async ({ user, params, body, requestId }) => openMergeRequest(await mergeRequestsDeps(), { kitchen: params.k, title: body.title, description: body.description }, user, { requestId }),
);

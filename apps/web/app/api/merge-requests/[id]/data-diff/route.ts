import { requestDataDiff } from "@galley/merge-requests";
import { ZRequestParams } from "../../../../../lib/merge-requests-api";
import { mergeRequestsDeps } from "../../../../../lib/merge-requests-deps";
import { route } from "../../../../../lib/route";

// Example rows are the Kitchens' (masked where their policy masks) data, shown to people who may see the request.
export const GET = route({ auth: "user", params: ZRequestParams }, async ({ user, params }) => requestDataDiff(await mergeRequestsDeps(), params.id, user));

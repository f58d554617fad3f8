import { abortMerge } from "@galley/kitchens";
import { z } from "zod";
import { ZMergeParams } from "../../../../../lib/kitchens-api";
import { kitchensDbDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

export const POST = route({ auth: "user", params: ZMergeParams, output: z.object({ status: z.literal("aborted") }) }, async ({ user, params, requestId }) =>
  abortMerge(kitchensDbDeps(), params.id, user, { requestId }),
);

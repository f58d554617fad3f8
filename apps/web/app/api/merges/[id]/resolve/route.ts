import { resolveMerge, ZResolveMergeInput } from "@galley/kitchens";
import { z } from "zod";
import { ZMergeParams } from "../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../lib/kitchens-deps";
import { route } from "../../../../../lib/route";

export const POST = route(
  { auth: "user", params: ZMergeParams, body: ZResolveMergeInput, output: z.object({ status: z.literal("committed"), commit: z.string() }), bodyLimit: 16 * 1024 * 1024 },
  async ({ user, params, body, requestId }) => resolveMerge(await kitchensDeps(), { mergeId: params.id, resolutions: body.resolutions }, user, { requestId }),
);

import { getMerge } from "@galley/kitchens";
import { z } from "zod";
import { ZConflict, ZMergeParams } from "../../../../lib/kitchens-api";
import { kitchensDbDeps } from "../../../../lib/kitchens-deps";
import { route } from "../../../../lib/route";

const ZOutput = z.object({
  merge: z.object({
    id: z.string(),
    source: z.string(),
    target: z.string(),
    status: z.string(),
    sourceCommit: z.string(),
    targetCommit: z.string(),
    resultCommit: z.string().nullable(),
    conflicts: z.array(ZConflict),
    createdAt: z.date(),
    finishedAt: z.date().nullable(),
  }),
});

export const GET = route({ auth: "user", params: ZMergeParams, output: ZOutput }, async ({ user, params }) => ({
  merge: await getMerge(kitchensDbDeps(), params.id, user),
}));

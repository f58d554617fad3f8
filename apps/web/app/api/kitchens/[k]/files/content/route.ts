import { readKitchenFile, saveKitchenFile, ZDeleteFileQuery, ZRepoPath, ZSaveFileInput } from "@galley/kitchens";
import { z } from "zod";
import { ZFileError, ZKitchenParams } from "../../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../../lib/kitchens-deps";
import { route } from "../../../../../../lib/route";

const ZRead = z.object({ path: z.string(), content: z.string(), isBinary: z.boolean(), size: z.number(), head: z.string() });
const ZSaved = z.object({ commit: z.string(), validation: z.array(ZFileError) });

export const GET = route({ auth: "user", params: ZKitchenParams, query: z.object({ path: ZRepoPath }), output: ZRead }, async ({ user, params, query }) =>
  readKitchenFile(await kitchensDeps(), { kitchen: params.k, path: query.path }, user),
);

// Files may be 1 MiB; JSON escaping can make the body several times larger. Past the file limit
// git's own check answers 413 naming the file.
export const PUT = route({ auth: "user", params: ZKitchenParams, body: ZSaveFileInput, output: ZSaved, bodyLimit: 6 * 1024 * 1024 }, async ({ user, params, body }) =>
  saveKitchenFile(await kitchensDeps(), { kitchen: params.k, ...body }, user),
);

export const DELETE = route({ auth: "user", params: ZKitchenParams, query: ZDeleteFileQuery, output: ZSaved }, async ({ user, params, query }) =>
  saveKitchenFile(await kitchensDeps(), { kitchen: params.k, path: query.path, content: null, message: query.message, expectedHead: query.expectedHead }, user),
);

import { validateKitchenFile, ZValidateFileInput } from "@galley/kitchens";
import { z } from "zod";
import { ZFileError, ZKitchenParams } from "../../../../../../lib/kitchens-api";
import { kitchensDeps } from "../../../../../../lib/kitchens-deps";
import { route } from "../../../../../../lib/route";

export const POST = route(
  { auth: "user", params: ZKitchenParams, body: ZValidateFileInput, output: z.object({ errors: z.array(ZFileError) }), bodyLimit: 6 * 1024 * 1024 },
  async ({ user, params, body }) => validateKitchenFile(await kitchensDeps(), { kitchen: params.k, ...body }, user),
);

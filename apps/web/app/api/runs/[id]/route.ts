import { db } from "../../../../lib/deps";
import { ZRunDetail } from "../../../../lib/read-models/runs";
import { route } from "../../../../lib/route";
import { getRunDetailForUserOrThrow } from "../../../../lib/runs-deps";
import { ZRunParams } from "../../../../lib/runs-schemas";

export const GET = route({ auth: "user", params: ZRunParams, output: ZRunDetail }, async ({ user, params }) => getRunDetailForUserOrThrow(db(), params.id, user));

import { route } from "../../../../lib/route";
import { runDetailResponse } from "../../../../lib/runs-answers";
import { ZRunParams } from "../../../../lib/runs-schemas";

/** No `output` here: the answer was parsed through ZRunDetail when it was computed (lib/runs-answers.ts). */
export const GET = route({ auth: "user", params: ZRunParams }, async ({ user, params }) => runDetailResponse(params.id, user));

import { z } from "zod";
import { db } from "../../../lib/deps";
import { listEnvironments, ZEnvironmentRow } from "../../../lib/read-models/environments";
import { route } from "../../../lib/route";

export const GET = route({ auth: "user", output: z.object({ environments: z.array(ZEnvironmentRow) }) }, async () => ({
  environments: await listEnvironments(db()),
}));

import { ZAuthUser } from "@galley/auth";
import { z } from "zod";
import { route } from "../../../lib/route";

export const GET = route({ auth: "user", output: z.object({ user: ZAuthUser }) }, async ({ user }) => ({ user }));

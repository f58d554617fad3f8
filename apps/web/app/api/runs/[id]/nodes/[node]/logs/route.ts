import { z } from "zod";
import { db } from "../../../../../../../lib/deps";
import { readNodeLogs, ZLogLine } from "../../../../../../../lib/read-models/runs";
import { route } from "../../../../../../../lib/route";
import { getRunForUserOrThrow } from "../../../../../../../lib/runs-deps";
import { ZLogsQuery, ZNodeLogParams } from "../../../../../../../lib/runs-schemas";

// Lines were redacted by the worker before they were stored; they are served as stored.
export const GET = route(
  { auth: "user", params: ZNodeLogParams, query: ZLogsQuery, output: z.object({ lines: z.array(ZLogLine), truncated: z.boolean(), hasMore: z.boolean() }) },
  async ({ user, params, query }) => {
    await getRunForUserOrThrow(db(), params.id, user, "read_runs");
    return readNodeLogs(db(), params.id, params.node, query.after, query.limit);
  },
);

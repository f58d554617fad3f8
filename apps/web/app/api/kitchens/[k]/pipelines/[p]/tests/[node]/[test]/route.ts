import { ZControlChart, ZControlChartParams, ZControlChartQuery } from "@galley/dashboards/schemas";
import { controlChartFor } from "../../../../../../../../../lib/dashboard-deps";
import { route } from "../../../../../../../../../lib/route";

/** A test's control chart: its newest results (`limit`, default 1000) with mean, limits and broken rules. */
export const GET = route({ auth: "user", params: ZControlChartParams, query: ZControlChartQuery, output: ZControlChart }, ({ user, params, query }) =>
  controlChartFor(user, params, query.limit),
);

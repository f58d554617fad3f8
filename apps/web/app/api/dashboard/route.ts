import { ZDashboard, ZDashboardQuery } from "@galley/dashboards/schemas";
import { dashboardFor } from "../../../lib/dashboard-deps";
import { route } from "../../../lib/route";

/** The managers' dashboard across every Kitchen the caller may read runs of; filters in the query. */
export const GET = route({ auth: "user", query: ZDashboardQuery, output: ZDashboard }, ({ user, query }) => dashboardFor(user, query));

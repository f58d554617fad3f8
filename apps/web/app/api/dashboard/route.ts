import { ZDashboardQuery } from "@galley/dashboards/schemas";
import { dashboardResponseFor } from "../../../lib/dashboard-deps";
import { route } from "../../../lib/route";

/**
 * The managers' dashboard across every Kitchen the caller may read runs of; filters in the query.
 * No `output` here: the read model parses its answer through ZDashboard before it is cached, and
 * the cached JSON text is sent as is.
 */
export const GET = route({ auth: "user", query: ZDashboardQuery }, ({ user, query }) => dashboardResponseFor(user, query));

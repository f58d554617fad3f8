export * from "./schemas";
export { getDashboard, narrowScope, type DashboardDeps } from "./dashboard";
export { getControlChart, toChart, brokeRule, type TestKey } from "./control-chart";
export { dayRange, successRate, dailySeries, pipelineRows, totalsOf, type ScopeKitchen, type DayRow, type PipelineStatRow } from "./summarise";
export { createTtlCache, type TtlCache } from "@galley/core";
export { findScopeCandidates, type ScopeCandidate } from "./scope";

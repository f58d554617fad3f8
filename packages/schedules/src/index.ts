export * from "./cron";
export * from "./schedule-file";
export { mergeScheduleFiles, SCHEDULE_MERGE_DRIVERS } from "./merge-schedule-files";
export { syncKitchenSchedules, syncAllSchedules, type ScheduleSource, type SyncResult } from "./sync";
export { claimDueTicks, earliestTick, startScheduler, MISSED_AFTER_MS, type ClaimedTick, type SchedulerOptions } from "./ticker";
export { fireScheduleTick, missScheduleTick, sweepStaleTicks, STALE_TICK_MS, type FireDeps, type FireOutcome } from "./fire";
export { listSchedules, saveSchedule, deleteSchedule, setScheduleEnabled, gitScheduleSource, type ManageDeps, type ScheduleView } from "./manage";

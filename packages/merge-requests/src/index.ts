// Merge requests: ask to merge a child Kitchen into its parent; review, checks, data diff, merge.
export type { MergeRequestsDeps, MergeRequestEvent } from "./deps";
export { openMergeRequest, listMergeRequests, type OpenRequestInput } from "./open-merge-request";
export { getMergeRequest, type MergeRequestView, type RequestCheck } from "./get-merge-request";
export { reviewMergeRequest, commentOnMergeRequest } from "./review-merge-request";
export { mergeMergeRequest, closeMergeRequest } from "./merge-merge-request";
export { requestDataDiff, type TableDiffEntry } from "./request-data-diff";
export { tablesWrittenBy } from "./tables-written";

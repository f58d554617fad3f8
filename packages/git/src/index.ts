export { AnalyticsRepo, type InitOptions, type RepoOptions } from "./analytics-repo";
export { handleGitHttp, type GitHttpOptions, type GitHttpRequest, type GitHttpResponse, type PushRef } from "./http/handle-git-http";
export { assertBranchName, assertSafePath, isValidBranchName, MAX_FILE_BYTES } from "./validate";
export type * from "./types";

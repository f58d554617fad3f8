// Browser side of docs/api.md: same-origin JSON fetches. Every failure comes back as an ApiError
// value (never thrown, never swallowed) so each form can show it next to its field or on top.

export interface ApiError {
  status: number;
  code: string;
  message: string;
  field?: string;
  details?: unknown;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export async function api<T>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, body?: unknown, signal?: AbortSignal): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body !== undefined ? { "content-type": "application/json" } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: "no-store",
      signal,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e;
    return { ok: false, error: { status: 0, code: "network", message: "Galley did not answer; check your connection and try again." } };
  }
  if (res.status === 204) return { ok: true, data: null as T };
  const data = (await res.json().catch(() => null)) as { error?: Partial<ApiError> } | null;
  if (res.ok) return { ok: true, data: data as T };
  const e = data?.error;
  return {
    ok: false,
    error: {
      status: res.status,
      code: e?.code ?? "http_error",
      message: e?.message ?? `the server answered ${res.status} ${res.statusText}`.trim(),
      ...(e?.field ? { field: e.field } : {}),
      ...(e?.details !== undefined ? { details: e.details } : {}),
    },
  };
}

/** `/api/kitchens/<k>` plus a suffix, names encoded. */
export function kitchenUrl(kitchen: string, suffix = ""): string {
  return `/api/kitchens/${encodeURIComponent(kitchen)}${suffix}`;
}

/** Shapes of the answers this UI reads (docs/api.md). */
export interface KitchenDetail {
  kitchen: {
    name: string;
    parent: string | null;
    environment: string;
    environmentKind: "development" | "production";
    branch: string;
    schema: string;
    description: string;
    alertRoutes: { name: string; kind: string; enabled: boolean; health: string }[];
    staff: { id: string; name: string; email: string; isOwner: boolean }[];
  };
  children: string[];
  variables: { name: string; value: string; source: "kitchen" | "inherited"; inheritedFrom?: string | null }[];
  canMergeInto: boolean;
  canMergeUp?: boolean;
  canWrite?: boolean;
  canManage?: boolean;
}

export interface FileError {
  file: string;
  line: number | null;
  field: string | null;
  message: string;
}

export interface CommitSummary {
  sha: string;
  parents: string[];
  author: string;
  email?: string;
  date: string;
  message: string;
}

export interface FilePatch {
  path: string;
  status?: string;
  patch: string;
  truncated?: boolean;
}

export interface MergeConflict {
  path: string;
  base: string | null;
  ours: string | null;
  theirs: string | null;
  merged: string | null;
  isBinary?: boolean;
}

export interface MergePreview {
  source: string;
  target: string;
  upToDate: boolean;
  fastForward: boolean;
  files: { path: string; status: string }[];
  conflicts: { path: string }[];
  diff: FilePatch[];
}

export type MergeOutcome =
  | { status: "committed"; commit: string; fastForward?: boolean; upToDate?: boolean }
  | { status: "conflicts"; mergeId: string; conflicts: MergeConflict[] };

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { AppError, isAppError } from "@galley/core";
import { baseGitEnv, Git } from "../git-exec";
import { readHeads } from "../refs";
import type { RefUpdate } from "../types";
import { isValidBranchName } from "../validate";
import { readCgiResponse } from "./cgi";
import { parseReceivePackCommands, refusalReport } from "./pkt-line";

export interface GitHttpRequest {
  method: string;
  /** Path after the mount prefix: "/info/refs", "/git-upload-pack" or "/git-receive-pack". */
  path: string;
  /** Raw query string ("service=git-upload-pack") or parsed pairs. */
  query: string | Record<string, string | undefined>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: AsyncIterable<Uint8Array> | null;
}

export interface PushRef extends RefUpdate {
  /** Branch name (`ref` without `refs/heads/`). */
  branch: string;
}

export interface GitHttpOptions {
  /** The bare repository, e.g. `<dataDir>/repo.git`. */
  repoDir: string;
  /** Authenticated user name, handed to git (and its logs) as REMOTE_USER. */
  remoteUser: string;
  /** Called before any push reaches git; throw an AppError to refuse all refs of the push with its message. */
  authorizePush(refs: PushRef[]): Promise<void>;
  /**
   * The branches this user may see. Every other ref is hidden from the ref advertisement of both
   * services and cannot be fetched by object id (see `visibilityConfig`). Omit to serve every ref.
   */
  visibleBranches?(): Promise<readonly string[]>;
}

export interface GitHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
  /**
   * Resolves when git has finished, with the refs this request actually moved (empty for fetches, refused or
   * failed pushes). Never rejects. Use it to mark Kitchens active after a push.
   */
  pushedRefs: Promise<PushRef[]>;
}

const SERVICES = new Set(["git-upload-pack", "git-receive-pack"]);
const NONE: Promise<PushRef[]> = Promise.resolve([]);

function textResponse(status: number, text: string): GitHttpResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body: Readable.from([Buffer.from(text + "\n")]), pushedRefs: NONE };
}

/** Only the smart protocol is served: no dumb-HTTP file access to the repository's internals. */
function route(req: GitHttpRequest): { service: string; queryString: string } | null {
  const query = typeof req.query === "string" ? Object.fromEntries(new URLSearchParams(req.query)) : req.query;
  if (req.method === "GET" && req.path === "/info/refs" && SERVICES.has(query.service ?? "")) {
    return { service: query.service!, queryString: `service=${query.service}` };
  }
  const service = req.path.slice(1);
  if (req.method === "POST" && SERVICES.has(service)) return { service, queryString: "" };
  return null;
}

/**
 * Serves Galley's repository over git's smart HTTP protocol by running `git http-backend` as a CGI program.
 * Pushes are authorised in Galley before git sees them: the ref update commands at the start of the request body
 * are parsed and passed to `authorizePush`; a refusal answers with git's own report format and changes nothing.
 */
export async function handleGitHttp(req: GitHttpRequest, opts: GitHttpOptions): Promise<GitHttpResponse> {
  const r = route(req);
  if (!r) return textResponse(404, "Not found: only git's smart HTTP protocol is served here");
  if (r.service === "git-receive-pack" && !opts.remoteUser) return textResponse(401, "Pushing requires signing in");
  let body: AsyncIterable<Uint8Array> = req.body ?? Readable.from([]);
  const encoding = (req.headers["content-encoding"] ?? "").toLowerCase();
  if (encoding === "gzip" || encoding === "x-gzip") body = Readable.from(body).pipe(createGunzip());
  else if (encoding && encoding !== "identity") return textResponse(415, `Unsupported Content-Encoding ${encoding}`);
  let pushed: PushRef[] = [];
  if (req.method === "POST" && r.service === "git-receive-pack") {
    const checked = await checkPush(body, opts);
    if ("response" in checked) return checked.response;
    body = checked.body;
    pushed = checked.refs;
  }
  return runBackend(req, opts, r, body, pushed);
}

type PushCheck = { response: GitHttpResponse } | { body: AsyncIterable<Uint8Array>; refs: PushRef[] };

async function checkPush(body: AsyncIterable<Uint8Array>, opts: GitHttpOptions): Promise<PushCheck> {
  const it = body[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let parsed;
  try {
    while (!(parsed = parseReceivePackCommands(head))) {
      const next = await it.next();
      if (next.done) return { response: textResponse(400, "Malformed push request: it ended before the ref list did") };
      head = Buffer.concat([head, next.value]);
    }
  } catch (e) {
    if (isAppError(e)) return { response: textResponse(400, e.message) };
    return { response: textResponse(400, "Malformed push request: could not decompress the body") };
  }
  const refs = parsed.commands.map((c) => ({ ...c, branch: c.ref.startsWith("refs/heads/") ? c.ref.slice("refs/heads/".length) : "" }));
  // git's probe request (sent before large pushes) carries no commands: nothing to authorise.
  if (refs.length > 0) {
    const refusal = await authorize(refs, opts);
    if (refusal !== null) {
      await drain(it);
      const report = refusalReport(refs, refusal, parsed.capabilities);
      if (!report) return { response: textResponse(403, refusal) };
      return { response: { status: 200, headers: { "content-type": "application/x-git-receive-pack-result", "cache-control": "no-cache" }, body: Readable.from([report]), pushedRefs: NONE } };
    }
  }
  return { body: prepend(head, it), refs };
}

/** Returns the refusal reason, or null when the push may go ahead. */
async function authorize(refs: PushRef[], opts: GitHttpOptions): Promise<string | null> {
  const bad = refs.find((r) => !r.ref.startsWith("refs/heads/") || !isValidBranchName(r.branch));
  if (bad) return `only branches with valid names can be pushed (${bad.ref} is not one)`;
  try {
    await opts.authorizePush(refs);
    return null;
  } catch (e) {
    if (isAppError(e)) return e.message;
    throw e;
  }
}

/** Reads and discards the rest of a refused push so the client gets to read our answer instead of a broken pipe. */
async function drain(it: AsyncIterator<Uint8Array>): Promise<void> {
  try {
    while (!(await it.next()).done);
  } catch {
    // A body that fails to decompress no longer matters: the push is refused anyway.
  }
}

async function* prepend(first: Buffer, it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  while (true) {
    const next = await it.next();
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Per-request git configuration that hides every ref but `visible` branches (and HEAD when it points
 * elsewhere). `transfer.hideRefs` filters what upload-pack and receive-pack advertise; with every
 * `*SHA1InWant` off, upload-pack answers "not our ref" to a want that is not reachable from an
 * advertised ref. That check holds only in protocol v0/v1: protocol v2's fetch serves any object
 * it has, so the caller must not pass the client's v2 request on (see backendEnv).
 */
export function visibilityConfig(visible: readonly string[], headTarget: string | null): Array<[string, string]> {
  const config: Array<[string, string]> = [
    ["uploadpack.allowTipSHA1InWant", "false"],
    ["uploadpack.allowReachableSHA1InWant", "false"],
    ["uploadpack.allowAnySHA1InWant", "false"],
    ["transfer.hideRefs", "refs/"],
  ];
  // Later entries win, so the visible branches are carved out of "hide all of refs/".
  for (const b of visible) config.push(["transfer.hideRefs", `!refs/heads/${b}`]);
  if (headTarget === null || !visible.includes(headTarget)) config.push(["transfer.hideRefs", "HEAD"]);
  return config;
}

function configEnv(config: Array<[string, string]>): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

async function headBranch(repoDir: string): Promise<string | null> {
  const ref = await new Git(path.resolve(repoDir)).text(["symbolic-ref", "--quiet", "HEAD"]).catch(() => "");
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null;
}

function backendEnv(req: GitHttpRequest, opts: GitHttpOptions, r: { service: string; queryString: string }, hidden: Record<string, string> | null): Record<string, string> {
  const repoDir = path.resolve(opts.repoDir);
  const env: Record<string, string> = {
    ...baseGitEnv(),
    GIT_PROJECT_ROOT: path.dirname(repoDir),
    PATH_INFO: `/${path.basename(repoDir)}${req.path}`,
    GIT_HTTP_EXPORT_ALL: "1",
    REMOTE_USER: opts.remoteUser,
    REQUEST_METHOD: req.method,
    QUERY_STRING: r.queryString,
    // The body may have been decompressed here, so its length is unknown: without CONTENT_LENGTH git reads to EOF.
    CONTENT_TYPE: req.headers["content-type"] ?? "",
  };
  if (hidden) return { ...env, ...hidden }; // protocol v0: v2 would serve hidden objects by id
  const protocol = req.headers["git-protocol"];
  if (protocol && /^[A-Za-z0-9=:._-]{1,100}$/.test(protocol)) env.HTTP_GIT_PROTOCOL = protocol;
  return env;
}

async function runBackend(
  req: GitHttpRequest,
  opts: GitHttpOptions,
  r: { service: string; queryString: string },
  body: AsyncIterable<Uint8Array>,
  pushed: PushRef[],
): Promise<GitHttpResponse> {
  const hidden = opts.visibleBranches ? configEnv(visibilityConfig(await opts.visibleBranches(), await headBranch(opts.repoDir))) : null;
  const child = spawn("git", ["http-backend"], { env: backendEnv(req, opts, r, hidden) as NodeJS.ProcessEnv, shell: false, stdio: ["pipe", "pipe", "pipe"] });
  const stderr: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => stderr.length < 64 && stderr.push(b));
  child.stdin.on("error", () => {});
  Readable.from(body)
    .on("error", () => child.stdin.destroy())
    .pipe(child.stdin);
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => resolve(code));
    child.on("error", () => resolve(null));
  });
  const pushedRefs = exited.then((code) => (code === 0 && pushed.length > 0 ? landedRefs(opts.repoDir, pushed) : []), () => []).catch(() => []);
  const cgi = await readCgiResponse(child.stdout);
  if (!cgi) {
    child.kill("SIGKILL");
    const why = Buffer.concat(stderr).toString("utf8").trim().slice(0, 300);
    throw new AppError("internal", `git http-backend gave no response${why ? `: ${why}` : ""}`);
  }
  return { ...cgi, body: killOnAbandon(cgi.body, child), pushedRefs };
}

/** A client that disconnects mid-clone stops reading; without this git would wait on a full pipe forever. */
async function* killOnAbandon(body: AsyncIterable<Uint8Array>, child: ChildProcess): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    yield* body;
    finished = true;
  } finally {
    if (!finished && child.exitCode === null) child.kill("SIGKILL");
  }
}

/** The refs of a push that now point where the client asked (receive-pack may accept some and refuse others). */
async function landedRefs(repoDir: string, refs: PushRef[]): Promise<PushRef[]> {
  const heads = await readHeads(new Git(path.resolve(repoDir)), refs.map((r) => r.branch));
  return refs.filter((r) => heads[r.branch] === r.newSha);
}

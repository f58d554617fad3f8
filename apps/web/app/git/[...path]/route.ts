// Git smart HTTP for the analytics repository: `git clone http://<galley>/git/galley.git`.
// Basic auth (email + password or personal access token) on every request; each user sees and
// fetches only the branches the access policy lets them (`fetch`: private Kitchens' branches are
// hidden from non-staff, by ref and by object id); pushes only to branches of Kitchens the user
// may write (checked before git sees them), fast-forward only (repository config). A landed push
// marks its Kitchens active.
import { Readable } from "node:stream";
import { authenticateBasic } from "@galley/auth";
import { handleGitHttp } from "@galley/git";
import { authorizeGitPush, markBranchesActive, visibleGitBranches } from "@galley/kitchens";
import { config } from "../../../lib/config";
import { authDeps, logger } from "../../../lib/deps";
import { kitchensDbDeps } from "../../../lib/kitchens-deps";
import { describeError } from "../../../lib/responses";
import { route, type RouteContext } from "../../../lib/route";

export const dynamic = "force-dynamic";

const MOUNT = /^\/git\/[^/]+\.git(\/.*)$/;

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers } });
}

async function serveGit({ req, ip }: RouteContext<"none", undefined, undefined, undefined>): Promise<Response> {
  const url = new URL(req.url);
  const rest = MOUNT.exec(url.pathname)?.[1];
  if (!rest) return text(404, "Not found: the repository is at /git/galley.git");
  const user = await authenticateBasic(authDeps(), req.headers.get("authorization"), ip);
  if (!user) {
    return text(401, "Sign in with your Galley email and your password or a personal access token (gly_…)", {
      "www-authenticate": 'Basic realm="Galley", charset="UTF-8"',
    });
  }
  const deps = kitchensDbDeps();
  const out = await handleGitHttp(
    {
      method: req.method,
      path: rest,
      query: url.search.slice(1),
      headers: Object.fromEntries(req.headers),
      body: req.body as unknown as AsyncIterable<Uint8Array> | null,
    },
    {
      repoDir: config().repoDir,
      remoteUser: user.email,
      authorizePush: (refs) => authorizeGitPush(deps, user, refs.map((r) => r.branch)),
      visibleBranches: () => visibleGitBranches(deps, user),
    },
  );
  void out.pushedRefs
    .then((refs) => markBranchesActive(deps, refs.map((r) => r.branch)))
    .catch((e) => logger().warn("could not mark pushed Kitchens active", { error: describeError(e) }));
  return new Response(Readable.toWeb(Readable.from(out.body)) as unknown as ReadableStream, { status: out.status, headers: out.headers });
}

export const GET = route({ auth: "none" }, serveGit);
export const POST = route({ auth: "none" }, serveGit);

// A test's control chart of 1,000 points, end to end over HTTP against the real Next.js
// production server, with 100,000 runs and 1,000,000 test results in the database (target: p50
// under 300 ms). p50_ms is the chart's data (GET /api/kitchens/:k/pipelines/:p/tests/:node/:test,
// the newest 1,000 results through the history index); page_p50_ms is the whole server-rendered
// page a manager opens. Requests go one after another, each to another test (no cache involved).
// Usage: pnpm bench control-chart [requests=100]
import { closeDb, getDb } from "@galley/db";
import { ensureData, KITCHENS, percentile, PIPELINES, startServer } from "./_dashboard-env";

const REQUESTS = Number(process.argv[2] ?? 100);

async function main(): Promise<void> {
  const { url, token, counts } = await ensureData();
  const db = getDb(url);
  const kitchens = (await db.kitchen.findMany({ where: { isPrivate: false }, select: { name: true }, orderBy: { name: "asc" } })).map((k) => k.name);
  // A session for the page (pages read the session cookie, the API also takes the token).
  const maya = await db.user.findUniqueOrThrow({ where: { email: "maya@bench.local" }, select: { id: true } });
  const { newSessionToken, hashToken } = await import("@galley/auth");
  const session = newSessionToken();
  await db.session.create({ data: { userId: maya.id, tokenHash: hashToken(session), expiresAt: new Date(Date.now() + 3600_000) } });
  await closeDb(url);
  const server = await startServer(url);
  try {
    const tests = kitchens.flatMap((k) => PIPELINES.flatMap((p) => ["transform", "summary"].flatMap((n) => [1, 2, 3, 4, 5].map((t) => `${k}/pipelines/${p}/tests/${n}/metric_${t}`))));
    const api: number[] = [];
    const page: number[] = [];
    let points = 0;
    for (let i = -5; i < REQUESTS; i++) {
      const path = tests[(i + 5) * 7 % tests.length];
      const t0 = performance.now();
      const res = await fetch(`${server.base}/api/kitchens/${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { points: unknown[] };
      if (res.status !== 200) throw new Error(`GET /api/kitchens/${path} answered ${res.status}: ${JSON.stringify(body)}`);
      if (i >= 0) api.push(performance.now() - t0);
      points = body.points.length;
      const t1 = performance.now();
      const html = await fetch(`${server.base}/kitchens/${path}`, { headers: { cookie: `galley_session=${session}` } });
      const text = await html.text();
      if (html.status !== 200 || !text.includes('data-testid="control-chart"')) throw new Error(`page /kitchens/${path} answered ${html.status}`);
      if (i >= 0) page.push(performance.now() - t1);
    }
    console.log(
      `bench control-chart p50_ms=${percentile(api, 50)} p99_ms=${percentile(api, 99)} page_p50_ms=${percentile(page, 50)} page_p99_ms=${percentile(page, 99)} ` +
        `points=${points} runs=${counts.runs} test_results=${counts.testResults} kitchens=${KITCHENS} n=${api.length}`,
    );
  } finally {
    await server.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });

// Alert messages: pure. Facts in, one message out, rendered per route kind.
import type { AlertEvent } from "./events";

export interface TestFact {
  node: string;
  name: string;
  value: number | null;
  lowerLimit: number | null;
  upperLimit: number | null;
  verdict: string;
  level: string;
  message: string;
}

export interface AlertFacts {
  event: AlertEvent;
  kitchen: string;
  environment: string;
  pipeline?: string;
  runId?: string;
  runStatus?: string;
  trigger?: string;
  /** Nodes that failed, with their error (run.failed). */
  failedNodes?: { node: string; error: string | null }[];
  /** The node a test event is about. */
  node?: string;
  tests?: TestFact[];
  /** run.overdue */
  elapsedMs?: number;
  maxDurationMs?: number;
  stopped?: boolean;
  /** schedule.missed */
  schedule?: { name: string; cron: string; timezone: string; tickAt: string; reason: string };
  /** merge_request.*: the request, who did it. */
  request?: { number: number; title: string; source: string; target: string; actor: string };
  /** Absolute link to the run (or the Kitchen's schedules page, or the merge request). */
  url: string;
}

export interface AlertMessage {
  event: AlertEvent;
  title: string;
  /** Plain text, several lines: what happened, where, the numbers. */
  text: string;
  url: string;
  kitchen: string;
  pipeline: string | null;
  runId: string | null;
  node: string | null;
  tests: TestFact[];
}

const ICON: Record<AlertEvent, string> = {
  "run.started": "▶",
  "run.succeeded": "✅",
  "run.failed": "❌",
  "run.recovered": "💚",
  "test.warned": "⚠️",
  "test.failed": "❌",
  "run.overdue": "⏱",
  "schedule.missed": "⏭",
  "merge_request.opened": "🔀",
  "merge_request.approved": "👍",
  "merge_request.merged": "🚀",
};

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(1) : String(Number(v.toPrecision(4)));
}

export function formatLimits(t: Pick<TestFact, "lowerLimit" | "upperLimit">): string {
  if (t.lowerLimit === null && t.upperLimit === null) return "no limits";
  if (t.upperLimit === null) return `≥ ${formatNumber(t.lowerLimit)}`;
  if (t.lowerLimit === null) return `≤ ${formatNumber(t.upperLimit)}`;
  return `${formatNumber(t.lowerLimit)} … ${formatNumber(t.upperLimit)}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function testLine(t: TestFact): string {
  return `• ${t.node}.${t.name} ${t.verdict} (level ${t.level}): value ${formatNumber(t.value)}, limits ${formatLimits(t)}${t.message ? ` — ${t.message}` : ""}`;
}

export function buildMessage(f: AlertFacts): AlertMessage {
  const where = f.pipeline ? `${f.pipeline} in Kitchen ${f.kitchen}` : `Kitchen ${f.kitchen}`;
  const lines: string[] = [];
  let title: string;
  switch (f.event) {
    case "run.started":
      title = `Run started: ${where}`;
      lines.push(`Triggered by ${f.trigger ?? "someone"}.`);
      break;
    case "run.succeeded":
      title = `Run succeeded: ${where}`;
      break;
    case "run.recovered":
      title = `Run recovered: ${where}`;
      lines.push("The previous run of this pipeline failed; this one succeeded.");
      break;
    case "run.failed":
      title = `Run failed: ${where}`;
      for (const n of f.failedNodes ?? []) lines.push(`• node ${n.node} failed${n.error ? `: ${n.error}` : ""}`);
      break;
    case "test.warned":
    case "test.failed": {
      const tests = f.tests ?? [];
      const which = tests.length === 1 ? `${tests[0].node}.${tests[0].name}` : `${tests.length} tests on node ${f.node}`;
      title = `Test ${f.event === "test.failed" ? "failed" : "warned"}: ${which} (${where})`;
      for (const t of tests) lines.push(testLine(t));
      break;
    }
    case "run.overdue":
      title = `Run over its time limit: ${where}`;
      lines.push(`Running for ${formatDuration(f.elapsedMs ?? 0)}; the pipeline allows ${formatDuration(f.maxDurationMs ?? 0)}.`);
      if (f.stopped) lines.push("The run was stopped, as the pipeline asks.");
      break;
    case "schedule.missed": {
      const s = f.schedule;
      title = `Schedule missed: ${s?.name ?? "?"} (${where})`;
      if (s) lines.push(`Tick of ${s.tickAt} (${s.cron}, ${s.timezone}) did not start a run: ${s.reason}`);
      break;
    }
    case "merge_request.opened":
    case "merge_request.approved":
    case "merge_request.merged": {
      const r = f.request;
      const verb = f.event === "merge_request.opened" ? "opened" : f.event === "merge_request.approved" ? "approved" : "merged";
      title = `Merge request #${r?.number ?? "?"} ${verb}: ${r?.source ?? "?"} → ${r?.target ?? f.kitchen}`;
      if (r) lines.push(`"${r.title}", ${verb} by ${r.actor}.`);
      break;
    }
  }
  lines.push(`Environment ${f.environment}.${f.runStatus ? ` Run status: ${f.runStatus}.` : ""}`);
  return {
    event: f.event,
    title: `${ICON[f.event]} ${title}`,
    text: lines.join("\n"),
    url: f.url,
    kitchen: f.kitchen,
    pipeline: f.pipeline ?? null,
    runId: f.runId ?? null,
    node: f.node ?? f.failedNodes?.[0]?.node ?? null,
    tests: f.tests ?? [],
  };
}

// Slack's incoming webhooks take mrkdwn; <, > and & must be escaped in text.
function slackEscape(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Slack-compatible incoming webhook body (Slack, Mattermost, Rocket.Chat accept `text`). */
export function slackPayload(m: AlertMessage): { text: string; blocks: unknown[] } {
  const text = `*${slackEscape(m.title)}*\n${slackEscape(m.text)}\n<${m.url}|Open in Galley>`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/** Generic webhook body: the structured message. */
export function webhookPayload(m: AlertMessage): Record<string, unknown> {
  return { source: "galley", ...m };
}

export function emailContent(m: AlertMessage): { subject: string; text: string } {
  return { subject: `[Galley] ${m.title}`, text: `${m.title}\n\n${m.text}\n\n${m.url}\n` };
}

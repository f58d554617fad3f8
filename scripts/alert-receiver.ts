// The demo's stand-in for Slack, webhooks and a mail server: prints every alert Galley sends and
// appends it to $GALLEY_DATA_DIR/alerts.log. Started by scripts/demo.sh (HTTP :3999, SMTP :2525).
import { appendFileSync } from "node:fs";
import path from "node:path";
import { startHttpReceiver, startSmtpReceiver } from "@galley/alerts/testing";

const dir = process.env.GALLEY_DATA_DIR ?? path.resolve(".galley");
const log = path.join(dir, "alerts.log");
const httpPort = Number(process.env.ALERT_RECEIVER_PORT ?? 3999);
const smtpPort = Number(process.env.ALERT_SMTP_PORT ?? 2525);

function record(kind: string, where: string, text: string) {
  const line = `${new Date().toISOString()} [${kind} ${where}] ${text.replace(/\s+/g, " ").slice(0, 500)}`;
  console.log(`[alerts] ${line}`);
  appendFileSync(log, `${line}\n`);
}

await startHttpReceiver({
  port: httpPort,
  onRequest: (r) => {
    const b = r.body as { title?: string; text?: string };
    record("webhook", r.path, typeof r.body === "string" ? r.body : `${b.title ?? ""} ${b.text ?? ""}`);
  },
});
await startSmtpReceiver({
  port: smtpPort,
  onMail: (m) => record("email", m.to.join(","), /^Subject: (.*)$/m.exec(m.raw)?.[1] ?? "(no subject)"),
});
console.log(`[alerts] demo receiver: webhooks on http://127.0.0.1:${httpPort}, SMTP on 127.0.0.1:${smtpPort}, log in ${log}`);

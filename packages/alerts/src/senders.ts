// The I/O of alerts: HTTP webhooks (fetch) and email (nodemailer over SMTP). Errors are worded for
// the route's owner and never contain the webhook URL (its path is the credential).
import nodemailer, { type Transporter } from "nodemailer";
import { emailContent, slackPayload, webhookPayload, type AlertMessage } from "./message";
import type { RouteKind } from "./events";

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
  ms: number;
}

export interface SendTarget {
  kind: RouteKind;
  /** Webhook URL (slack, webhook), from the vault. */
  url?: string;
  /** Recipients (email). */
  to?: string[];
}

export interface SenderOptions {
  /** One attempt gives up after this long. */
  timeoutMs: number;
  /** smtp://host:port (or smtps://user:pass@host); email routes fail with a clear error without it. */
  smtpUrl?: string;
  emailFrom: string;
}

export type Sender = (target: SendTarget, message: AlertMessage) => Promise<SendResult>;

export function createSender(opts: SenderOptions): Sender {
  let transport: Transporter | undefined;
  return async (target, message) => {
    const started = performance.now();
    const done = (r: Omit<SendResult, "ms">): SendResult => ({ ...r, ms: Math.round(performance.now() - started) });
    if (target.kind === "email") {
      if (!opts.smtpUrl) return done({ ok: false, error: "email is not configured on this Galley (set SMTP_URL)" });
      transport ??= nodemailer.createTransport(opts.smtpUrl, {});
      try {
        const c = emailContent(message);
        await withTimeout(transport.sendMail({ from: opts.emailFrom, to: target.to, subject: c.subject, text: c.text }), opts.timeoutMs, "the SMTP server");
        return done({ ok: true });
      } catch (e) {
        return done({ ok: false, error: `email not sent: ${(e as Error).message}` });
      }
    }
    if (!target.url) return done({ ok: false, error: "the route has no webhook URL in the vault" });
    const host = safeHost(target.url);
    const body = target.kind === "slack" ? slackPayload(message) : webhookPayload(message);
    try {
      const res = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Galley-Alerts/1" },
        body: JSON.stringify(body),
        redirect: "error",
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      const text = await res.text().catch(() => "");
      if (res.ok) return done({ ok: true, statusCode: res.status });
      return done({ ok: false, statusCode: res.status, error: `the webhook at ${host} answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}` });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === "TimeoutError" || err.name === "AbortError") {
        return done({ ok: false, error: `the webhook at ${host} did not answer within ${Math.round(opts.timeoutMs / 1000)} s` });
      }
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      return done({ ok: false, error: `could not reach the webhook at ${host}: ${why}` });
    }
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// The I/O of alerts: HTTP webhooks (node:http/https, every address checked against the egress
// policy at connect time) and email (nodemailer over SMTP). Errors are worded for the route's owner
// and never contain the webhook URL (its path is the credential).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import nodemailer, { type Transporter } from "nodemailer";
import { egressRefusal, urlPort, type EgressPolicy } from "./egress";
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
  /** Where webhooks may go; default: no private, loopback or link-local address. */
  egress?: EgressPolicy;
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
      const res = await postJson(target.url, body, opts.timeoutMs, opts.egress ?? { allow: [] });
      if (res.status >= 200 && res.status < 300) return done({ ok: true, statusCode: res.status });
      return done({ ok: false, statusCode: res.status, error: `the webhook at ${host} answered HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ""}` });
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.name === "TimeoutError" || err.name === "AbortError") {
        return done({ ok: false, error: `the webhook at ${host} did not answer within ${Math.round(opts.timeoutMs / 1000)} s` });
      }
      if (err.code === BLOCKED) return done({ ok: false, error: `not delivered: ${err.message}` });
      return done({ ok: false, error: `could not reach the webhook at ${host}: ${err.code ?? err.message}` });
    }
  };
}

const BLOCKED = "EGALLEYBLOCKED";
const blocked = (why: string) => Object.assign(new Error(why), { code: BLOCKED });

/** POSTs JSON, never following a redirect; the body read is capped (only its start is shown). */
function postJson(url: string, body: unknown, timeoutMs: number, egress: EgressPolicy): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  const port = urlPort(u);
  const literal = u.hostname.replace(/^\[|\]$/g, "");
  // A literal address never goes through lookup: check it here.
  if (isIP(literal)) {
    const why = egressRefusal(egress, u.hostname, port, literal);
    if (why) return Promise.reject(blocked(why));
  }
  const lookup = (hostname: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return cb(err);
      const why = addresses.map((a) => egressRefusal(egress, hostname, port, a.address)).find((w) => w !== null);
      if (why) return cb(blocked(why));
      if (options.all) cb(null, addresses);
      else cb(null, addresses[0].address, addresses[0].family);
    });
  };
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = (u.protocol === "https:" ? https : http).request(
      u,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), "user-agent": "Galley-Alerts/1" },
        lookup: lookup as never,
        signal: AbortSignal.timeout(timeoutMs),
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (text.length < 1000) text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: text.slice(0, 1000) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
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

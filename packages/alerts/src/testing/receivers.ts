// Local stand-ins for Slack/webhooks and an SMTP server (the only fakes we keep: SaaS endpoints).
// Real servers on real ports, so the sender's HTTP and SMTP code paths run for real.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedRequest {
  path: string;
  body: unknown;
  at: number;
}

export interface HttpReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Statuses to answer, in order, before falling back to 200 (e.g. [500] = fail once). */
  failNext(statuses: number[]): void;
  /** Answer nothing for this long (a webhook that times out). */
  hangMs: number;
  close(): Promise<void>;
}

export async function startHttpReceiver(opts: { port?: number; onRequest?: (r: ReceivedRequest) => void } = {}): Promise<HttpReceiver> {
  const queue: number[] = [];
  const received: ReceivedRequest[] = [];
  const state = { hangMs: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      const r = { path: req.url ?? "/", body, at: Date.now() };
      const status = queue.shift() ?? 200;
      const answer = () => {
        if (status === 200) {
          received.push(r);
          opts.onRequest?.(r);
        }
        res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "receiver says no");
      };
      if (state.hangMs > 0) setTimeout(answer, state.hangMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (s) => queue.push(...s),
    get hangMs() {
      return state.hangMs;
    },
    set hangMs(v: number) {
      state.hangMs = v;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  at: number;
}

export interface SmtpReceiver {
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpReceiver(opts: { port?: number; onMail?: (m: ReceivedMail) => void } = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const m = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          at: Date.now(),
        };
        mails.push(m);
        opts.onMail?.(m);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

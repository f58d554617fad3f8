// Boot and health checks of Redis over a tiny RESP client (node:net/tls), so the web app needs
// no Redis library. BullMQ only warns about an evicting policy; Galley refuses to start instead.
// Kept in one file so it can be swapped for @galley/queue's assertNoEviction later.
import net from "node:net";
import tls from "node:tls";

type Reply = string | number | null | Reply[] | Error;

function encode(args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
}

/** Parses one reply at `pos`; returns undefined until the buffer holds all of it. */
function parse(buf: Buffer, pos: number): { value: Reply; next: number } | undefined {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString("utf8", pos + 1, eol);
  const after = eol + 2;
  if (type === "+") return { value: line, next: after };
  if (type === "-") return { value: new Error(line), next: after };
  if (type === ":") return { value: Number(line), next: after };
  if (type === "$") {
    const len = Number(line);
    if (len < 0) return { value: null, next: after };
    if (buf.length < after + len + 2) return undefined;
    return { value: buf.toString("utf8", after, after + len), next: after + len + 2 };
  }
  if (type === "*") {
    const items: Reply[] = [];
    let next = after;
    for (let i = 0; i < Number(line); i++) {
      const r = parse(buf, next);
      if (!r) return undefined;
      items.push(r.value);
      next = r.next;
    }
    return { value: items, next };
  }
  throw new Error(`unexpected Redis reply type ${JSON.stringify(type)}`);
}

/** Sends the commands pipelined (after AUTH/SELECT from the URL) and returns their replies. */
export function redisCommands(redisUrl: string, commands: string[][], timeoutMs = 1500): Promise<Reply[]> {
  const url = new URL(redisUrl);
  const pre: string[][] = [];
  if (url.password) pre.push(url.username ? ["AUTH", decodeURIComponent(url.username), decodeURIComponent(url.password)] : ["AUTH", decodeURIComponent(url.password)]);
  const dbIndex = url.pathname.replace("/", "");
  if (dbIndex) pre.push(["SELECT", dbIndex]);
  const all = [...pre, ...commands];
  const port = Number(url.port || 6379);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket = url.protocol === "rediss:" ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const replies: Reply[] = [];
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on("error", fail);
    socket.on("connect", () => socket.write(all.map(encode).join("")));
    socket.on("secureConnect", () => socket.write(all.map(encode).join("")));
    socket.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let pos = 0;
      for (let r = parse(buf, pos); r; r = parse(buf, pos)) {
        replies.push(r.value);
        pos = r.next;
      }
      buf = buf.subarray(pos);
      if (replies.length >= all.length) {
        socket.end();
        const failed = replies.slice(0, pre.length).find((r) => r instanceof Error);
        if (failed) reject(failed as Error);
        else resolve(replies.slice(pre.length));
      }
    });
  });
}

/** `maxmemory-policy` via INFO (CONFIG GET is often disabled on managed Redis). */
export async function redisEvictionPolicy(redisUrl: string, timeoutMs?: number): Promise<string> {
  const [info] = await redisCommands(redisUrl, [["INFO", "memory"]], timeoutMs);
  if (info instanceof Error) throw info;
  const m = /^maxmemory_policy:(\S+)/m.exec(String(info));
  if (!m) throw new Error("Redis INFO did not report maxmemory_policy");
  return m[1];
}

export function evictionMessage(policy: string): string {
  return `Redis maxmemory-policy is ${policy}; Galley needs noeviction (other policies silently drop queued jobs). Fix: redis-cli CONFIG SET maxmemory-policy noeviction, and set it in redis.conf`;
}

/** Throws when Redis would evict keys. Called at boot; the web app does not start past it. */
export async function assertNoEviction(redisUrl: string): Promise<void> {
  const policy = await redisEvictionPolicy(redisUrl);
  if (policy !== "noeviction") throw new Error(evictionMessage(policy));
}

// Server-Sent Events for one run page. The page subscribes to its web process's RunHub (one
// LISTEN per process, one shared watch per run): no per-tab polling. Closes once the run has
// settled, after sending its final state.
import type { RunHub } from "./run-hub";

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform keeps the compression middleware from buffering the stream.
  "cache-control": "no-cache, no-store, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

export function runEventStream(hub: RunHub, runId: string, signal: AbortSignal, options: { heartbeatMs?: number } = {}): ReadableStream<Uint8Array> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const encoder = new TextEncoder();
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: (() => void) | undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        signal.removeEventListener("abort", stop);
        unsubscribe?.();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      signal.addEventListener("abort", stop);
      if (signal.aborted) return stop();
      heartbeat = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
      write(`retry: 3000\n\n`);
      // Frames come serialised and encoded once per change for every page (run-watch.ts).
      const sub = {
        send: (frame: Uint8Array) => {
          if (closed) return;
          try {
            controller.enqueue(frame);
          } catch {
            stop();
          }
        },
        end: stop,
      };
      hub.subscribe(runId, sub).then(
        (off) => (closed ? off() : (unsubscribe = off)),
        () => stop(),
      );
    },
    cancel() {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe?.();
    },
  });
}

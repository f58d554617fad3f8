/**
 * BullMQ has no job timeout. Abort the handler's signal and fail the attempt when time is up;
 * a handler that ignores the signal keeps running in the background, so handlers must honour it.
 */
export async function runWithTimeout<T>(timeoutMs: number, controller: AbortController, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`job timed out after ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

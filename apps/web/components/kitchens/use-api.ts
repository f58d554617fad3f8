"use client";

import { useCallback, useEffect, useState } from "react";
import { api, type ApiError } from "./api";

export interface Loadable<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** GET `url` on mount and whenever it changes; `reload()` fetches again (no polling). null url: nothing yet. */
export function useApi<T>(url: string | null): Loadable<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(url !== null);

  const fetchNow = useCallback(
    async (signal?: AbortSignal) => {
      if (url === null) return;
      setLoading(true);
      try {
        const r = await api<T>("GET", url, undefined, signal);
        if (signal?.aborted) return;
        if (r.ok) {
          setData(r.data);
          setError(null);
        } else setError(r.error);
        setLoading(false);
      } catch (e) {
        if ((e as Error)?.name !== "AbortError") throw e;
      }
    },
    [url],
  );

  useEffect(() => {
    const ctl = new AbortController();
    void fetchNow(ctl.signal);
    return () => ctl.abort();
  }, [fetchNow]);

  const reload = useCallback(() => fetchNow(), [fetchNow]);
  return { data, error, loading, reload };
}

"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { api, type ApiError } from "../kitchens/api";
import { ErrorNote, Spinner } from "../kitchens/ui";

interface Summary {
  id: string;
  number: number;
  title: string;
  status: string;
  source: string;
  target: string;
}

/** Requests from or into a Kitchen, newest first. */
export function RequestList({ kitchen }: { kitchen: string }) {
  const [rows, setRows] = useState<Summary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<{ requests: Summary[] }>("GET", `/api/kitchens/${encodeURIComponent(kitchen)}/merge-requests`).then((r) => (r.ok ? setRows(r.data.requests) : setError(r.error)));
  }, [kitchen]);
  if (error) return <ErrorNote error={error} />;
  if (!rows) return <Spinner />;
  if (rows.length === 0) return <p className="text-sm text-slate-500">No merge requests yet.</p>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="request-list">
      {rows.map((r) => (
        <li key={r.id} className="flex items-center gap-2 py-1.5 text-sm">
          <span className="w-16 text-xs text-slate-500">{r.status}</span>
          <Link className="text-sky-700 underline" href={`/merge-requests/${r.id}`}>#{r.number} {r.title}</Link>
          <span className="font-mono text-xs text-slate-500">{r.source} → {r.target}</span>
        </li>
      ))}
    </ul>
  );
}

"use client";
// The server does not know the reader's time zone: it renders UTC, and the browser switches to
// local time after hydration (rendering local time on both sides would not match).
import { useEffect, useState } from "react";

export function LocalTime({ iso, withDate = false }: { iso: string | null | undefined; withDate?: boolean }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!iso) return <>–</>;
  const d = new Date(iso);
  if (!mounted) return <time dateTime={iso}>{withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : `${iso.slice(11, 19)} UTC`}</time>;
  return <time dateTime={iso} title={iso}>{withDate ? d.toLocaleString() : d.toLocaleTimeString()}</time>;
}

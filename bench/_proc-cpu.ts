// CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux).
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_S = 100;

export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/** Every postgres process of this machine: shared with other sessions, so only an upper bound. */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres") total += cpuSeconds(Number(d)) || 0;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU seconds of a process and its children (a cluster primary and its web processes). */
export function treeCpuSeconds(pid: number): number {
  let total = cpuSeconds(pid) || 0;
  try {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean)) total += treeCpuSeconds(Number(child));
  } catch {
    // gone meanwhile
  }
  return total;
}

import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Records the process groups the local executor starts, one small file each, so a restarted
 * worker can find and kill what its dead predecessor left running (the Docker executor uses
 * container labels for the same job). The process start time guards against a reused pid.
 */
export interface LocalRecord {
  pid: number;
  startTime: string;
  runId: string;
  nodeId: string;
  attempt: number;
  workspace: string;
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot; null when the process is gone. */
export async function processStartTime(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

export class LocalRegistry {
  constructor(private readonly dir: string) {}

  async add(record: LocalRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.file(record.pid), JSON.stringify(record), { mode: 0o600 });
  }

  async remove(pid: number): Promise<void> {
    await rm(this.file(pid), { force: true });
  }

  async list(): Promise<LocalRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: LocalRecord[] = [];
    for (const n of names.filter((x) => x.endsWith(".json"))) {
      try {
        out.push(JSON.parse(await readFile(path.join(this.dir, n), "utf8")) as LocalRecord);
      } catch {
        await rm(path.join(this.dir, n), { force: true }); // half-written by a crash
      }
    }
    return out;
  }

  private file(pid: number): string {
    return path.join(this.dir, `${pid}.json`);
  }
}

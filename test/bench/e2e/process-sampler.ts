// Samples child processes' RSS and CPU from /proc every 250 ms: what the worker
// costs as the operating system sees it, independent of what it reports itself.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessReading {
  readonly rssBytes: number;
  /** user + system CPU time in seconds since the process started. */
  readonly cpuSeconds: number;
}

/** Clock ticks per second; 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

/** utime and stime (fields 14 and 15) of /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): number {
  const afterName = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // afterName[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(afterName[11]);
  const stime = Number(afterName[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error("unreadable /proc stat line");
  return (utime + stime) / CLOCK_TICKS;
}

/** VmRSS of /proc/<pid>/status, in bytes. */
export function parseProcStatusRss(text: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  if (match === null) throw new Error("no VmRSS in /proc status");
  return Number(match[1]) * 1024;
}

export function readProcess(pid: number): ProcessReading | null {
  try {
    return {
      cpuSeconds: parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8")),
      rssBytes: parseProcStatusRss(readFileSync(`/proc/${pid}/status`, "utf8")),
    };
  } catch {
    return null; // exited between samples
  }
}

export interface ProcessUsage {
  readonly pid: number;
  readonly peakRssBytes: number;
  readonly lastRssBytes: number;
  /** CPU-seconds spent between start() and the last sample. */
  readonly cpuSeconds: number;
  readonly samples: number;
}

/** Follows a set of pids; add pids as replicas start. */
export class ProcessSampler {
  readonly #state = new Map<number, { first: number; last: number; peak: number; rss: number; samples: number }>();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs = 250) {
    this.#intervalMs = intervalMs;
  }

  watch(pid: number): void {
    if (this.#state.has(pid)) return;
    const reading = readProcess(pid);
    this.#state.set(pid, { first: reading?.cpuSeconds ?? 0, last: reading?.cpuSeconds ?? 0, peak: reading?.rssBytes ?? 0, rss: reading?.rssBytes ?? 0, samples: reading ? 1 : 0 });
    this.#timer ??= setInterval(() => this.sampleNow(), this.#intervalMs);
    this.#timer.unref();
  }

  sampleNow(): void {
    for (const [pid, state] of this.#state) {
      const reading = readProcess(pid);
      if (reading === null) continue;
      state.last = reading.cpuSeconds;
      state.rss = reading.rssBytes;
      state.peak = Math.max(state.peak, reading.rssBytes);
      state.samples++;
    }
  }

  usage(): ProcessUsage[] {
    return [...this.#state].map(([pid, s]) => ({ pid, peakRssBytes: s.peak, lastRssBytes: s.rss, cpuSeconds: s.last - s.first, samples: s.samples }));
  }

  stop(): ProcessUsage[] {
    this.sampleNow();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    return this.usage();
  }
}

/** Pids of live processes whose parent is `parentPid` and whose command line contains `needle`. */
export function childPids(parentPid: number, needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== parentPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

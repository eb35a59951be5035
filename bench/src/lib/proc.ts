import { readFileSync, writeFileSync } from 'node:fs';

/** RSS and its high-water mark of a process, from /proc/<pid>/status (bytes). */
export function readRss(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Resets the kernel's peak-RSS counter (VmHWM) of `pid` to its current RSS
 * (`echo 5 > /proc/<pid>/clear_refs`). Returns false where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Minor and major page faults of a process so far (/proc/<pid>/stat). */
export function readFaults(pid: number): { minor: number; major: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the parenthesised command name; minflt is field 10, majflt 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { minor: Number(fields[7]), major: Number(fields[9]) };
}

/** One RSS sample: milliseconds since the sampler started, bytes. */
export type RssSample = [number, number];

/**
 * Samples a process's RSS from outside every `intervalMs` (default 20 ms), as
 * a watcher of the server would see it.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  readonly samples: RssSample[] = [];
  peak = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 20,
  ) {}

  start(): void {
    this.started = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  private sample(): void {
    try {
      const { rss } = readRss(this.pid);
      this.samples.push([performance.now() - this.started, rss]);
      if (rss > this.peak) this.peak = rss;
    } catch {
      // The process is gone; the caller finds out from its request.
    }
  }
}

import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Bytes a process made the kernel write to a block device (/proc/<pid>/io `write_bytes`), or NaN. */
export function writeBytesOf(pid: number): number {
  try {
    return Number(/^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'latin1'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/**
 * tsx, which runs the benchmark servers, keeps its compile cache in
 * `os.tmpdir()/tsx-<uid>`: its files are the loader's, not the server's.
 */
function isLoaderCache(name: string): boolean {
  return name.startsWith('tsx-');
}

async function bytesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    if (!entry.isFile() || isLoaderCache(path.relative(dir, entry.parentPath))) continue;
    total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * Watches a server's temporary directory (its TMPDIR, so `os.tmpdir()`)
 * during one upload: every name created in it (inotify, so even a file that
 * lives for a millisecond counts) and the most bytes seen in it at once
 * (sampled every 20 ms). The TypeScript loader's cache is left out.
 */
export class DiskWatch {
  private readonly names = new Set<string>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  peakBytes = 0;

  constructor(private readonly dir: string) {}

  start(): void {
    this.watcher = watch(this.dir, { recursive: true }, (_event, name) => {
      if (name && !isLoaderCache(String(name))) this.names.add(String(name));
    });
    this.timer = setInterval(() => {
      void bytesUnder(this.dir).then((bytes) => {
        if (bytes > this.peakBytes) this.peakBytes = bytes;
      });
    }, 20);
  }

  /** Stops watching; resolves with the number of names created and the peak bytes. */
  async stop(): Promise<{ files: number; peakBytes: number }> {
    clearInterval(this.timer);
    // Let the last inotify events arrive.
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.watcher?.close();
    this.peakBytes = Math.max(this.peakBytes, await bytesUnder(this.dir));
    return { files: this.names.size, peakBytes: this.peakBytes };
  }
}

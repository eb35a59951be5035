import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from '../lib/child.js';
import { readFaults, readRss, resetPeakRss, RssSampler, type RssSample } from '../lib/proc.js';
import { GiB } from '../lib/stats.js';
import { sendUpload, type UploadBody } from './client.js';
import { SERVER_INFO, type ServerKind } from './kinds.js';

const serverPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'server.ts');

/** A benchmark server in its own process, with its scratch directory. */
export class BenchServer {
  private constructor(
    readonly kind: ServerKind,
    readonly child: Child,
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Starts a server of `kind`; `extraExecArgv` adds Node flags (profiling), `env` extra environment. */
  static async start(kind: ServerKind, extraExecArgv: string[] = [], env: Record<string, string> = {}): Promise<BenchServer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), `sluice-bench-${kind}-`));
    const child = Child.start(`server ${kind}`, serverPath, [kind, dir], ['--expose-gc', ...extraExecArgv], env);
    const { port } = await child.request<{ port: number }>({ type: 'port' }, 60_000);
    return new BenchServer(kind, child, port, dir);
  }

  get pid(): number {
    return this.child.pid;
  }

  cleanup(): Promise<void> {
    return this.child.request({ type: 'cleanup' });
  }

  /** Process CPU time so far, in seconds. */
  async cpuSeconds(): Promise<number> {
    const { cpu } = await this.child.request<{ cpu: NodeJS.CpuUsage }>({ type: 'stats' });
    return (cpu.user + cpu.system) / 1e6;
  }

  async stop(): Promise<void> {
    await this.child.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Everything measured around one upload. */
export interface Measurement {
  kind: ServerKind;
  /** Body bytes per second over loopback (all uploads together), in MB/s (10^6). */
  mbps: number;
  ms: number;
  /** Server CPU (user + system) spent on the upload, in seconds. */
  cpuSeconds: number;
  /** Server CPU seconds per GiB of body (all uploads together). */
  cpuPerGiB: number;
  /** Server RSS just before the upload (after cleanup and a GC). */
  idleRss: number;
  /** Highest RSS seen by sampling /proc every 20 ms. */
  sampledPeakRss: number;
  /** The kernel's peak RSS during the upload (VmHWM after a reset), or NaN. */
  kernelPeakRss: number;
  minorFaults: number;
  /** RSS over time, when asked for. */
  samples?: RssSample[];
}

/**
 * One upload (or `concurrency` identical uploads at once) to `server`, measured from outside: wall time at the client, CPU
 * from the server's own `process.cpuUsage`, RSS sampled from /proc. Throws
 * when the server did not get exactly the bytes that were sent.
 */
export async function measureUpload(server: BenchServer, body: UploadBody, block: Buffer, { keepSamples = false, concurrency = 1 } = {}): Promise<Measurement> {
  await server.cleanup();
  const cpuBefore = await server.cpuSeconds();
  const idleRss = readRss(server.pid).rss;
  const canReset = resetPeakRss(server.pid);
  const faultsBefore = readFaults(server.pid);
  const sampler = new RssSampler(server.pid);
  sampler.start();
  const start = performance.now();
  let replies: Awaited<ReturnType<typeof sendUpload>>[];
  try {
    replies = await Promise.all(Array.from({ length: concurrency }, () => sendUpload(server.port, body, block)));
  } finally {
    sampler.stop();
  }
  const ms = performance.now() - start;
  const { hwm } = readRss(server.pid);
  const faultsAfter = readFaults(server.pid);
  const cpuSeconds = (await server.cpuSeconds()) - cpuBefore;
  const expected = SERVER_INFO[server.kind].countsBody ? body.length : body.fileBytes;
  const wrong = replies.filter((reply) => reply.status !== 200 || reply.bytes !== expected);
  if (wrong.length > 0) {
    const reply = wrong[0]!;
    throw new Error(
      `${server.kind}: ${wrong.length} of ${concurrency} uploads wrong, e.g. HTTP ${reply.status}, ${reply.bytes} bytes at the destination, expected ${expected}${reply.error ? `: ${reply.error.slice(0, 300)}` : ''}`,
    );
  }
  const totalBytes = body.length * concurrency;
  return {
    kind: server.kind,
    ms,
    mbps: totalBytes / (ms / 1000) / 1e6,
    cpuSeconds,
    cpuPerGiB: cpuSeconds / (totalBytes / GiB),
    idleRss,
    sampledPeakRss: sampler.peak,
    kernelPeakRss: canReset ? hwm : NaN,
    minorFaults: faultsAfter.minor - faultsBefore.minor,
    samples: keepSamples ? sampler.samples : undefined,
  };
}

/**
 * The lib-storage reference: the server process uploads `fileBytes` it holds
 * in memory (no HTTP); timed inside it, CPU and RSS measured as for uploads.
 */
export async function measureLibStorage(server: BenchServer, fileBytes: number): Promise<Measurement> {
  await server.cleanup();
  const cpuBefore = await server.cpuSeconds();
  const idleRss = readRss(server.pid).rss;
  const canReset = resetPeakRss(server.pid);
  const faultsBefore = readFaults(server.pid);
  const sampler = new RssSampler(server.pid);
  sampler.start();
  let reply: { ms: number; bytes: number };
  try {
    reply = await server.child.request<{ ms: number; bytes: number }>({ type: 'lib-storage', bytes: fileBytes });
  } finally {
    sampler.stop();
  }
  const { hwm } = readRss(server.pid);
  const cpuSeconds = (await server.cpuSeconds()) - cpuBefore;
  if (reply.bytes !== fileBytes) throw new Error(`lib-storage: ${reply.bytes} bytes in S3, expected ${fileBytes}`);
  return {
    kind: server.kind,
    ms: reply.ms,
    mbps: fileBytes / (reply.ms / 1000) / 1e6,
    cpuSeconds,
    cpuPerGiB: cpuSeconds / (fileBytes / GiB),
    idleRss,
    sampledPeakRss: sampler.peak,
    kernelPeakRss: canReset ? hwm : NaN,
    minorFaults: readFaults(server.pid).minor - faultsBefore.minor,
  };
}

import { noiseOf } from '../lib/content.js';
import { GiB, MiB } from '../lib/stats.js';
import { BenchServer, measureUpload, type Measurement } from './bench-server.js';
import { uploadBody } from './client.js';
import type { ServerKind } from './kinds.js';

/** Rounds of one contender set: measurements per server kind, in round order. */
export interface HttpTable {
  kinds: ServerKind[];
  rows: Partial<Record<ServerKind, Measurement[]>>;
  /** The file size of each upload. */
  fileBytes: number;
  concurrency: number;
  rounds: number;
  warmups: number;
}

export interface HttpConfig {
  quick: boolean;
  boundary: string;
  log: (line: string) => void;
  failures: string[];
  /**
   * Servers shared by every section (`--quick`: startup costs more than the
   * uploads). Without it each section starts fresh servers, which the memory
   * tables need: a server's idle RSS depends on what it handled before.
   */
  pool?: ServerPool;
}

/** Benchmark servers started on demand, at most one per kind. */
export class ServerPool {
  private readonly servers = new Map<ServerKind, Promise<BenchServer>>();

  /** Starts every kind not running yet (in parallel) and returns them all. */
  async get(kinds: readonly ServerKind[]): Promise<Map<ServerKind, BenchServer>> {
    for (const kind of kinds) if (!this.servers.has(kind)) this.servers.set(kind, BenchServer.start(kind));
    return new Map(await Promise.all(kinds.map(async (kind) => [kind, await this.servers.get(kind)!] as const)));
  }

  async stop(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map(async (server) => (await server.catch(() => undefined))?.stop()));
  }
}

/** Runs `body` with servers of `kinds`: from the shared pool, or fresh ones stopped afterwards. */
async function withServers<T>(config: HttpConfig, kinds: readonly ServerKind[], body: (servers: Map<ServerKind, BenchServer>) => Promise<T>): Promise<T> {
  const pool = config.pool ?? new ServerPool();
  try {
    return await body(await pool.get(kinds));
  } finally {
    if (!config.pool) await pool.stop();
  }
}

/** The file content every client sends: one 1 MiB noise block, repeated. */
const BLOCK = noiseOf(MiB);

/**
 * Runs `rounds` rounds (after `warmups`) of one upload per server, A B C …
 * with the first server rotating each round, so that drift of the machine
 * hits every contender alike. A wrong byte count is recorded as a failure.
 */
async function interleaved(
  servers: Map<ServerKind, BenchServer>,
  kinds: readonly ServerKind[],
  fileBytes: number,
  { rounds, warmups, concurrency = 1, keepSamples = false }: { rounds: number; warmups: number; concurrency?: number; keepSamples?: boolean },
  config: HttpConfig,
  label: string,
): Promise<HttpTable> {
  const body = uploadBody(config.boundary, fileBytes);
  const rows: Partial<Record<ServerKind, Measurement[]>> = {};
  for (const kind of kinds) rows[kind] = [];
  for (let round = -warmups; round < rounds; round++) {
    const offset = ((round % kinds.length) + kinds.length) % kinds.length;
    for (const kind of [...kinds.slice(offset), ...kinds.slice(0, offset)]) {
      try {
        const measurement = await measureUpload(servers.get(kind)!, body, BLOCK, { concurrency, keepSamples: keepSamples && round === rounds - 1 });
        if (round >= 0) rows[kind]!.push(measurement);
      } catch (error) {
        config.failures.push(`${label} ${kind}${round < 0 ? ' (warm-up)' : ''}: ${(error as Error).message}`);
      }
    }
  }
  const median = (kind: ServerKind): string => {
    const values = rows[kind]!.map((m) => m.mbps).sort((a, b) => a - b);
    return values.length ? String(Math.round(values[values.length >> 1]!)) : '–';
  };
  config.log(`  ${label}: ${kinds.map((kind) => `${kind} ${median(kind)}`).join('  ')} (MB/s)`);
  return { kinds: [...kinds], rows, fileBytes, concurrency, rounds, warmups };
}

/** Loopback throughput: one 64 MiB file per request, every server of the comparison. */
export const THROUGHPUT_KINDS: ServerKind[] = [
  'drain',
  'sluice-discard',
  'sluice-busboy-discard',
  'sluice-koa-discard',
  'sluice-hono-discard',
  'fastify-sluice-discard',
  'fastify-multipart-discard',
  'busboy-discard',
  'fastify-busboy-discard',
  'formidable-discard',
  'sluice-memory',
  'multer-memory',
  'pipeline-disk',
  'sluice-disk',
  'multer-disk',
  'formidable-disk',
];

export async function runThroughput(config: HttpConfig): Promise<HttpTable> {
  const fileBytes = (config.quick ? 8 : 64) * MiB;
  return withServers(config, THROUGHPUT_KINDS, (servers) =>
    interleaved(servers, THROUGHPUT_KINDS, fileBytes, { rounds: config.quick ? 1 : 7, warmups: config.quick ? 1 : 2 }, config, `http ${fileBytes / MiB} MiB`),
  );
}

/** Servers of the memory tables: the disk contenders, and two discarding references. */
export const MEMORY_KINDS: ServerKind[] = ['sluice-disk', 'multer-disk', 'formidable-disk', 'pipeline-disk', 'sluice-discard', 'busboy-discard'];

export interface MemoryResults {
  /** One table per upload size. */
  sizes: HttpTable[];
  concurrent: HttpTable;
}

/** Servers of the concurrency table. */
export const CONCURRENT_KINDS: ServerKind[] = ['sluice-disk', 'sluice-discard', 'multer-disk', 'multer-memory', 'busboy-discard'];

/**
 * Peak RSS of big uploads to disk (fresh servers, one 64 MiB warm-up each),
 * then many uploads at once.
 */
export async function runMemory(config: HttpConfig): Promise<MemoryResults> {
  const plan = config.quick
    ? [{ bytes: 64 * MiB, rounds: 1 }]
    : [
        { bytes: 64 * MiB, rounds: 3 },
        { bytes: 1 * GiB, rounds: 2 },
        { bytes: 2 * GiB, rounds: 1 },
      ];
  const sizes: HttpTable[] = [];
  await withServers(config, MEMORY_KINDS, async (servers) => {
    for (const [index, { bytes, rounds }] of plan.entries()) {
      const warmups = index === 0 && !config.quick ? 1 : 0;
      sizes.push(await interleaved(servers, MEMORY_KINDS, bytes, { rounds, warmups, keepSamples: true }, config, `memory ${bytes / MiB} MiB`));
    }
  });
  const concurrency = config.quick ? 8 : 64;
  const fileBytes = (config.quick ? 4 : 16) * MiB;
  const concurrent = await withServers(config, CONCURRENT_KINDS, (servers) =>
    interleaved(
      servers,
      CONCURRENT_KINDS,
      fileBytes,
      { rounds: config.quick ? 1 : 2, warmups: config.quick ? 0 : 1, concurrency, keepSamples: true },
      config,
      `${concurrency} × ${fileBytes / MiB} MiB at once`,
    ),
  );
  return { sizes, concurrent };
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHAPES, shapeBytes, type Expected, type ShapeId } from '../lib/bodies.js';
import { Child } from '../lib/child.js';
import { MiB } from '../lib/stats.js';
import { PARSE_CONTENDERS, type Count, type ParseContenderId } from './contenders.js';
import type { RunReply } from './worker.js';

export type Chunking = '64k' | 'one';
export const CHUNKINGS: ReadonlyArray<{ id: Chunking; title: string; size: number }> = [
  { id: '64k', title: '64 KiB chunks', size: 64 * 1024 },
  { id: 'one', title: 'one chunk', size: Number.MAX_SAFE_INTEGER },
];

/** One contender on one body in one chunking. */
export interface ParseCell {
  contender: ParseContenderId;
  shape: ShapeId;
  chunking: Chunking;
  /** Body size this contender parsed (smaller than the shape's for formidable on adversarial shapes). */
  bodyBytes: number;
  reps: number;
  /** MB/s (10^6 bytes per second) of each timed round, in round order. */
  mbps: number[];
}

export interface ParseResults {
  cells: ParseCell[];
  rounds: number;
  warmups: number;
  /** Byte-count mismatches; any one fails the run. */
  failures: string[];
  seconds: number;
}

export interface ParseConfig {
  quick: boolean;
  boundary: string;
  log: (line: string) => void;
  /** Only these contenders (for profiling); default all. */
  only?: ParseContenderId[];
}

const workerPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');

/** How many parses make one timed run: small bodies are repeated so a run lasts long enough to time. */
function repsFor(shape: ShapeId, quick: boolean): number {
  switch (shape) {
    case 'file-1m':
      return quick ? 2 : 16;
    case 'fields-1000':
      return quick ? 2 : 24;
    case 'files-100x64k':
      return quick ? 1 : 4;
    default:
      return 1;
  }
}

/** formidable parses near-boundary content at a few MB/s: give it a smaller body (reported as such). */
function bytesFor(contender: ParseContenderId, shape: ShapeId, quick: boolean): number {
  const adversarial = SHAPES.find((s) => s.id === shape)!.adversarial;
  if (contender === 'formidable' && adversarial) return quick ? 256 * 1024 : 2 * MiB;
  return shapeBytes(shape, quick);
}

function verify(contender: ParseContenderId, counts: readonly Count[], expected: Expected): string | undefined {
  for (const count of counts) {
    if (contender === 'indexof') {
      if (count.delimiters !== expected.delimiters) return `found ${count.delimiters} delimiters, expected ${expected.delimiters}`;
      continue;
    }
    for (const key of ['files', 'fileBytes', 'fields', 'fieldBytes'] as const) {
      if (count[key] !== expected[key]) return `${key} ${count[key]} ≠ expected ${expected[key]}`;
    }
  }
  return undefined;
}

/**
 * In-process parse throughput: every contender in its own worker process,
 * interleaved A B C … per round (the starting contender rotates), after
 * warm-up runs, with every run's counts checked against the body.
 */
export async function runParseSection(config: ParseConfig): Promise<ParseResults> {
  const started = Date.now();
  const rounds = config.quick ? 1 : 8;
  const warmups = config.quick ? 0 : 2;
  const contenders = PARSE_CONTENDERS.filter((c) => !config.only || config.only.includes(c.id));
  const workers = new Map<ParseContenderId, Child>();
  for (const { id } of contenders) workers.set(id, Child.start(`parse worker ${id}`, workerPath, [id], ['--expose-gc']));
  const cells: ParseCell[] = [];
  const failures: string[] = [];
  try {
    for (const shape of SHAPES) {
      for (const chunking of CHUNKINGS) {
        const reps = repsFor(shape.id, config.quick);
        const prepared = new Map<ParseContenderId, { bodyBytes: number; expected: Expected }>();
        for (const { id } of contenders) {
          const bytes = bytesFor(id, shape.id, config.quick);
          prepared.set(id, await workers.get(id)!.request({ type: 'prepare', shape: shape.id, boundary: config.boundary, bytes, chunkSize: chunking.size }));
        }
        const row = new Map<ParseContenderId, ParseCell>();
        for (const { id } of contenders) {
          const cell: ParseCell = { contender: id, shape: shape.id, chunking: chunking.id, bodyBytes: prepared.get(id)!.bodyBytes, reps, mbps: [] };
          row.set(id, cell);
          cells.push(cell);
        }
        for (let round = -warmups; round < rounds; round++) {
          const offset = ((round % contenders.length) + contenders.length) % contenders.length;
          const order = [...contenders.slice(offset), ...contenders.slice(0, offset)];
          for (const { id } of order) {
            const reply = await workers.get(id)!.request<RunReply>({ type: 'run', reps });
            const { bodyBytes, expected } = prepared.get(id)!;
            const problem = verify(id, reply.counts, expected);
            if (problem) failures.push(`parse ${shape.id} ${chunking.id} ${id}${round < 0 ? ' (warm-up)' : ''}: ${problem}`);
            if (round >= 0) row.get(id)!.mbps.push((bodyBytes * reps) / (reply.ms / 1000) / 1e6);
          }
        }
        for (const { id } of contenders) await workers.get(id)!.request({ type: 'drop' });
        const line = contenders.map(({ id }) => {
          const values = [...row.get(id)!.mbps].sort((a, b) => a - b);
          return `${id} ${Math.round(values[values.length >> 1] ?? 0)}`;
        });
        config.log(`  parse ${shape.id.padEnd(14)} ${chunking.id.padEnd(4)} MB/s: ${line.join('  ')}`);
      }
    }
  } finally {
    await Promise.all([...workers.values()].map((worker) => worker.stop()));
  }
  return { cells, rounds, warmups, failures, seconds: (Date.now() - started) / 1000 };
}

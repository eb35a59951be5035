/**
 * One in-process parse contender in its own process, so that no contender's
 * JIT state or heap shapes the next one's numbers. The orchestrator tells it
 * which body to build and when to run; it times only the parsing.
 */
import { buildShape, type ShapeId } from '../lib/bodies.js';
import { serveRequests } from '../lib/child.js';
import { PARSERS, type Count, type ParseContenderId, type ParseInput } from './contenders.js';

const contender = process.argv[2] as ParseContenderId;
const parse = PARSERS[contender];
if (!parse) throw new Error(`unknown contender ${contender}`);

let input: ParseInput | undefined;
const gc = (globalThis as { gc?: () => void }).gc;

function chunksOf(body: Buffer, size: number): Buffer[] {
  if (size >= body.length) return [body];
  const out: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) out.push(body.subarray(offset, offset + size));
  return out;
}

/** The answer to a `run` request. */
export interface RunReply {
  ms: number;
  counts: Count[];
}

serveRequests(async (message) => {
  switch (message.type) {
    case 'prepare': {
      const { shape, boundary, bytes, chunkSize } = message as unknown as { shape: ShapeId; boundary: string; bytes: number; chunkSize: number };
      input = undefined;
      gc?.();
      const built = buildShape(shape, boundary, bytes);
      input = { contentType: built.contentType, boundary, chunks: chunksOf(built.body, chunkSize), length: built.body.length };
      return { bodyBytes: built.body.length, expected: built.expected };
    }
    case 'run': {
      if (!input) throw new Error('run before prepare');
      const reps = Number(message.reps ?? 1);
      gc?.();
      const counts: Count[] = [];
      const start = performance.now();
      for (let i = 0; i < reps; i++) counts.push(await parse(input));
      const ms = performance.now() - start;
      return { ms, counts } satisfies RunReply;
    }
    case 'drop':
      input = undefined;
      gc?.();
      return {};
    default:
      throw new Error(`unknown request ${message.type}`);
  }
});

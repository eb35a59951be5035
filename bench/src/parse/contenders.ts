import { Busboy as FastifyBusboy } from '@fastify/busboy';
import busboy from 'busboy';
import formidable from 'formidable';
import { Readable, Writable } from 'node:stream';
import type { UploadHandler } from '@sluice/core';
import { createHandlerWithEngine, type Engine } from '../lib/core-engine.js';
import { discardStorage, type DiscardStorage } from '../lib/discard-storage.js';

/** What a contender saw in one parse; compared with the body's expected counts. */
export interface Count {
  files: number;
  fileBytes: number;
  fields: number;
  fieldBytes: number;
  delimiters: number;
}

/** One body, already cut into the chunks a socket would deliver. */
export interface ParseInput {
  contentType: string;
  boundary: string;
  chunks: readonly Buffer[];
  length: number;
}

export type ParseContenderId = 'indexof' | 'busboy' | 'fastify-busboy' | 'formidable' | 'core' | 'core-busboy' | 'core-fastify-busboy';

/** The contender the targets judge: the core as users get it, on its default parser engine (Sluice's own). */
export const CORE_DEFAULT: ParseContenderId = 'core';

/** Contenders, in the order the tables show them. */
export const PARSE_CONTENDERS: ReadonlyArray<{ id: ParseContenderId; label: string }> = [
  { id: 'core', label: 'core (own parser, default)' },
  { id: 'core-busboy', label: 'core (busboy)' },
  { id: 'busboy', label: 'busboy' },
  { id: 'fastify-busboy', label: '@fastify/busboy' },
  { id: 'formidable', label: 'formidable' },
  { id: 'indexof', label: '`indexOf` floor' },
];

const zero = (): Count => ({ files: 0, fileBytes: 0, fields: 0, fieldBytes: 0, delimiters: 0 });

/** A Node Readable that hands out `chunks` one per read, as a socket does. */
export function chunkStream(chunks: readonly Buffer[]): Readable {
  let next = 0;
  return new Readable({
    read() {
      this.push(next < chunks.length ? chunks[next++]! : null);
    },
  });
}

/**
 * The floor: find every `\r\n--boundary` in the stream with `Buffer#indexOf`,
 * including delimiters split across two chunks. No headers, no part streams.
 */
function indexOfFloor(input: ParseInput): Promise<Count> {
  const needle = Buffer.from(`\r\n--${input.boundary}`, 'latin1');
  const count = zero();
  let tail: Buffer = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const stream = chunkStream(input.chunks);
    stream.on('data', (chunk: Buffer) => {
      if (tail.length > 0) {
        // A delimiter straddling the previous chunk and this one.
        const seam = Buffer.concat([tail, chunk.subarray(0, needle.length - 1)]);
        if (seam.indexOf(needle) !== -1) count.delimiters += 1;
      }
      let at = chunk.indexOf(needle);
      while (at !== -1) {
        count.delimiters += 1;
        at = chunk.indexOf(needle, at + needle.length);
      }
      tail = chunk.subarray(Math.max(0, chunk.length - (needle.length - 1)));
    });
    stream.on('end', () => resolve(count));
    stream.on('error', reject);
  });
}

/**
 * Counts what a busboy-style parser (busboy and @fastify/busboy emit the same
 * `file`, `field` and `finish` events) makes of `input`. `create` builds the
 * parser inside the promise, so that a constructor error rejects it.
 */
function countBusboyParts(create: () => Writable, input: ParseInput): Promise<Count> {
  const count = zero();
  return new Promise((resolve, reject) => {
    const parser = create();
    parser.on('file', (_name: string, stream: Readable) => {
      count.files += 1;
      stream.on('data', (chunk: Buffer) => {
        count.fileBytes += chunk.length;
      });
    });
    parser.on('field', (_name: string, value: string) => {
      count.fields += 1;
      count.fieldBytes += Buffer.byteLength(value);
    });
    parser.on('finish', () => resolve(count));
    parser.on('error', reject);
    chunkStream(input.chunks).pipe(parser);
  });
}

function rawBusboy(input: ParseInput): Promise<Count> {
  return countBusboyParts(() => busboy({ headers: { 'content-type': input.contentType }, defParamCharset: 'utf8', limits: { fields: Infinity, files: Infinity, parts: Infinity } }), input);
}

function rawFastifyBusboy(input: ParseInput): Promise<Count> {
  return countBusboyParts(() => FastifyBusboy({ headers: { 'content-type': input.contentType } }), input);
}

/** A writable that counts and drops: formidable's file target when nothing is stored. */
export function countingSink(onBytes: (n: number) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback();
    },
  });
}

function rawFormidable(input: ParseInput): Promise<Count> {
  const count = zero();
  const form = formidable({
    maxFields: 1_000_000,
    maxFieldsSize: Number.MAX_SAFE_INTEGER,
    maxFileSize: Number.MAX_SAFE_INTEGER,
    maxTotalFileSize: Number.MAX_SAFE_INTEGER,
    minFileSize: 0,
    allowEmptyFiles: true,
    fileWriteStreamHandler: () => countingSink((n) => (count.fileBytes += n)),
  });
  const req = Object.assign(chunkStream(input.chunks), {
    headers: { 'content-type': input.contentType, 'content-length': String(input.length) },
  });
  return form.parse(req as never).then(([fields, files]) => {
    for (const values of Object.values(fields)) {
      for (const value of values ?? []) {
        count.fields += 1;
        count.fieldBytes += Buffer.byteLength(value);
      }
    }
    for (const list of Object.values(files)) count.files += list?.length ?? 0;
    return count;
  });
}

const handlers = new Map<Engine, { handler: UploadHandler; storage: DiscardStorage }>();

/** The Sluice engine as a server would run it: one handler, a discarding driver, generous limits. */
function handlerFor(engine: Engine): { handler: UploadHandler; storage: DiscardStorage } {
  let entry = handlers.get(engine);
  if (!entry) {
    const storage = discardStorage();
    const handler = createHandlerWithEngine({ storage, limits: { fileSize: Infinity, totalSize: Infinity, files: 10_000, fields: 100_000, parts: 110_000 } }, engine);
    handlers.set(engine, (entry = { handler, storage }));
  }
  return entry;
}

async function core(engine: Engine, input: ParseInput): Promise<Count> {
  const { handler, storage } = handlerFor(engine);
  const drainedBefore = storage.bytes;
  const result = await handler.handle({
    headers: { 'content-type': input.contentType, 'content-length': String(input.length) },
    body: chunkStream(input.chunks),
  });
  const count = zero();
  for (const files of Object.values(result.files)) count.files += files.length;
  // What the driver actually drained, not what the engine says it passed on.
  count.fileBytes = storage.bytes - drainedBefore;
  for (const value of Object.values(result.fields)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      count.fields += 1;
      count.fieldBytes += Buffer.byteLength(one);
    }
  }
  return count;
}

/** Every contender's parse function. */
export const PARSERS: Record<ParseContenderId, (input: ParseInput) => Promise<Count>> = {
  indexof: indexOfFloor,
  busboy: rawBusboy,
  'fastify-busboy': rawFastifyBusboy,
  formidable: rawFormidable,
  core: (input) => core('sluice', input),
  'core-busboy': (input) => core('busboy', input),
  // The @fastify/busboy engine was retired from @sluice/core; raw @fastify/busboy stays a contender.
  'core-fastify-busboy': () => Promise.reject(new Error('the @fastify/busboy engine was retired from @sluice/core')),
};

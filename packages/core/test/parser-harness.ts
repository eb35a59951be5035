/**
 * The shared driver of the parser-engine comparison tests
 * (src/parser/*-parser.test.ts): it runs a body through an engine exactly as
 * the upload engine would, and normalises what the engine reported, so that
 * two engines can be compared outcome for outcome.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_LIMITS, type UploadLimits } from '../src/limits/limits.js';
import { createBusboyParser } from '../src/parser/busboy-parser.js';
import type { ParserLimit, PartParser, PartParserEvents } from '../src/parser/part-parser.js';
import { chunked, type TestPart } from '../src/testing/multipart-body.js';

/** A parser engine's factory, as engines.ts calls it. */
export type CreateParser = (contentType: string, limits: UploadLimits, events: PartParserEvents) => PartParser;

/** One part as the engine saw it. */
export type Seen = { type: 'file'; field: string; filename: string | undefined; mimeType: string; content: string } | { type: 'field'; name: string; value: string; refused: boolean };

/** What a parser reported for one body, normalised the way the engine reads it. */
export interface Outcome {
  end: 'finish' | 'error' | `limit:${ParserLimit}` | 'hang';
  seen: Seen[];
  pausedWrites: number;
}

/**
 * Drives a parser the way the engine does: writes with backpressure, stops at
 * the first limit or error (destroying the parser), and judges a field's size
 * by the engine's own rule (UTF-8 bytes, or the parser's truncation flag).
 */
export function parse(create: CreateParser, contentType: string, chunks: readonly Buffer[], limits: Partial<UploadLimits> = {}, fileDelayMs = 0): Promise<Outcome> {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  const seen: Seen[] = [];
  const pending: Array<Promise<void>> = [];
  let pausedWrites = 0;
  return new Promise<Outcome>((resolve) => {
    let done = false;
    let parser: PartParser | undefined;
    const finish = (end: Outcome['end']): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (end !== 'finish') parser?.destroy();
      void Promise.all(pending).then(() => resolve({ end, seen, pausedWrites }));
    };
    const timer = setTimeout(() => finish('hang'), 3000);
    parser = create(contentType, resolved, {
      onFile(stream, info) {
        const entry: Seen = { type: 'file', field: info.field, filename: info.filename, mimeType: info.mimeType, content: '' };
        seen.push(entry);
        const parts: Buffer[] = [];
        pending.push(
          new Promise<void>((resolveFile) => {
            stream.on('data', (chunk: Buffer) => {
              parts.push(chunk);
              if (fileDelayMs > 0) {
                stream.pause();
                setTimeout(() => stream.resume(), fileDelayMs);
              }
            });
            stream.on('end', () => {
              entry.content = Buffer.concat(parts).toString('latin1');
              resolveFile();
            });
            stream.on('close', () => resolveFile());
          }),
        );
      },
      onField(name, value, info) {
        const refused = info.valueTruncated || Buffer.byteLength(value) > resolved.fieldSize;
        seen.push({ type: 'field', name, value: refused ? '' : value, refused });
      },
      onLimit: (limit) => finish(`limit:${limit}`),
      onError: () => finish('error'),
      onFinish: () => finish('finish'),
    });
    const p = parser;
    let drained: (() => void) | undefined;
    p.onDrain(() => {
      const wake = drained;
      drained = undefined;
      wake?.();
    });
    void (async () => {
      for (const chunk of chunks) {
        if (done) return;
        if (!p.write(chunk)) {
          pausedWrites += 1;
          await new Promise<void>((wake) => {
            drained = wake;
            const poll = setInterval(() => {
              if (!done && drained) return;
              clearInterval(poll);
              wake();
            }, 5);
          });
        }
      }
      if (!done) p.end();
    })();
  });
}

/** Runs `chunks` through the busboy engine and then `other`; returns [busboy, other]. */
export async function againstBusboy(other: CreateParser, contentType: string, chunks: readonly Buffer[], limits: Partial<UploadLimits> = {}, fileDelayMs = 0): Promise<[Outcome, Outcome]> {
  const a = await parse(createBusboyParser, contentType, chunks, limits, fileDelayMs);
  const b = await parse(other, contentType, chunks, limits, fileDelayMs);
  return [a, b];
}

/** The chunkings every comparison runs: whole, byte by byte, and an odd size. */
export const CHUNKINGS: Array<[string, (body: Buffer) => Buffer[]]> = [
  ['one chunk', (body) => [body]],
  ['1-byte chunks', (body) => chunked(body, 1)],
  ['7-byte chunks', (body) => chunked(body, 7)],
];

/** A browser-like boundary. */
export const BOUNDARY = '----WebKitFormBoundaryAbCdEf0123456789';
/** File content full of near-delimiter sequences. */
export const nearBoundary = Buffer.from(Array.from({ length: 40 }, (_, i) => `\r\n--${BOUNDARY.slice(0, i % BOUNDARY.length)}x`).join(''));

/** Valid bodies both engines must parse identically. */
export const SHARED_BODIES: Array<[string, TestPart[]]> = [
  [
    'a field and a file',
    [
      { name: 'title', value: 'hello' },
      { name: 'doc', filename: 'a.txt', content: 'file body', contentType: 'text/plain' },
    ],
  ],
  [
    'UTF-8 filename and field value',
    [
      { name: 'nom', value: 'naïve – 日本' },
      { name: 'f', filename: 'résumé 日本語.pdf', content: 'x', contentType: 'application/pdf' },
    ],
  ],
  ['a Windows path as filename (basename kept)', [{ name: 'f', filename: 'C:\\Users\\me\\photo.jpg', content: 'jpg' }]],
  [
    'an empty file and an empty field',
    [
      { name: 'e', value: '' },
      { name: 'f', filename: 'empty.bin', content: Buffer.alloc(0) },
    ],
  ],
  ['near-boundary bytes inside a file', [{ name: 'f', filename: 'tricky.bin', content: nearBoundary }]],
  [
    'binary file, several files in one field',
    [
      { name: 'f', filename: '1.bin', content: randomBytes(3000) },
      { name: 'f', filename: '2.bin', content: randomBytes(10) },
    ],
  ],
  ['an empty file input as browsers send it (filename="")', [{ name: 'pick', filename: '', content: Buffer.alloc(0) }]],
  ['filename="" on a text/plain part (a field in busboy)', [{ name: 't', filename: '', content: 'text', contentType: 'text/plain' }]],
  ['a quoted filename with escaped quotes', [{ name: 'f', filename: 'say "hi".txt', content: 'q' }]],
];

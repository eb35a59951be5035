import { buildMultipart, type TestPart } from '@sluice/core/testing';
import { noiseOf, repeatTo } from './content.js';
import { MiB } from './stats.js';

/** The body shapes of the in-process parse benchmark. */
export type ShapeId = 'file-1m' | 'file-64m' | 'fields-1000' | 'files-100x64k' | 'near-boundary' | 'worst-byte';

/** What every parser must report for a body: checked after every timed run. */
export interface Expected {
  files: number;
  fileBytes: number;
  fields: number;
  fieldBytes: number;
  /** Occurrences of `\r\n--boundary` (the delimiters after the first): what the indexOf floor counts. */
  delimiters: number;
}

/** A generated body. */
export interface BuiltBody {
  body: Buffer;
  contentType: string;
  expected: Expected;
}

/** How a shape is described in the report. */
export interface ShapeInfo {
  id: ShapeId;
  title: string;
  /** Adversarial content: counted in the "worst body shape" target. */
  adversarial: boolean;
}

export const SHAPES: readonly ShapeInfo[] = [
  { id: 'file-1m', title: '1 file × 1 MiB', adversarial: false },
  { id: 'file-64m', title: '1 file × 64 MiB', adversarial: false },
  { id: 'fields-1000', title: '1000 fields × 64 B', adversarial: false },
  { id: 'files-100x64k', title: '100 files × 64 KiB', adversarial: false },
  { id: 'near-boundary', title: '64 MiB file of near-boundary sequences', adversarial: true },
  { id: 'worst-byte', title: "64 MiB file of the boundary's next-to-last byte", adversarial: true },
];

function expectedOf(parts: readonly TestPart[]): Expected {
  const expected: Expected = { files: 0, fileBytes: 0, fields: 0, fieldBytes: 0, delimiters: parts.length };
  for (const part of parts) {
    if ('filename' in part) {
      expected.files += 1;
      expected.fileBytes += Buffer.byteLength(part.content);
    } else {
      expected.fields += 1;
      expected.fieldBytes += Buffer.byteLength(part.value);
    }
  }
  return expected;
}

function oneFile(content: Buffer): TestPart[] {
  return [{ name: 'file', filename: 'upload.bin', content, contentType: 'application/octet-stream' }];
}

/**
 * `\r\n--` followed by every prefix of the boundary in turn, each broken off
 * by one byte that is not the boundary's next character: every few bytes the
 * search finds a partial delimiter it has to give up on.
 */
export function nearBoundaryContent(boundary: string, size: number): Buffer {
  const needle = `\r\n--${boundary}`;
  const units: string[] = [];
  for (let k = 1; k < needle.length; k++) units.push(needle.slice(0, k) + (needle[k] === 'x' ? 'y' : 'x'));
  return repeatTo(Buffer.from(units.join(''), 'latin1'), size);
}

/**
 * The boundary's next-to-last byte, repeated. A Boyer–Moore–Horspool search
 * (busboy's streamsearch) can then only ever shift by one byte: found by
 * trying variants (see docs/benchmarks.md, "Adversarial shapes").
 */
export function worstByteContent(boundary: string, size: number): Buffer {
  return Buffer.alloc(size, boundary.charCodeAt(boundary.length - 2));
}

/**
 * Builds shape `id` with a file (or total) size of `bytes` where the shape has
 * a size; the fields and 100-files shapes have a fixed size.
 */
export function buildShape(id: ShapeId, boundary: string, bytes: number): BuiltBody {
  let parts: TestPart[];
  switch (id) {
    case 'file-1m':
    case 'file-64m':
      parts = oneFile(noiseOf(bytes));
      break;
    case 'fields-1000': {
      const value = 'v'.repeat(64);
      parts = Array.from({ length: 1000 }, (_, i) => ({ name: `field${i}`, value }));
      break;
    }
    case 'files-100x64k': {
      const content = noiseOf(64 * 1024);
      parts = Array.from({ length: 100 }, (_, i) => ({ name: 'files', filename: `part-${i}.bin`, content, contentType: 'application/octet-stream' }));
      break;
    }
    case 'near-boundary':
      parts = oneFile(nearBoundaryContent(boundary, bytes));
      break;
    case 'worst-byte':
      parts = oneFile(worstByteContent(boundary, bytes));
      break;
  }
  const { body, contentType } = buildMultipart(parts, boundary);
  return { body, contentType, expected: expectedOf(parts) };
}

/** Default sizes of the sized shapes. */
export function shapeBytes(id: ShapeId, quick: boolean): number {
  if (id === 'file-1m') return MiB;
  if (id === 'fields-1000' || id === 'files-100x64k') return 0;
  return quick ? 2 * MiB : 64 * MiB;
}

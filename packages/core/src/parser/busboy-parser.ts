import busboy from 'busboy';
import type { UploadLimits } from '../options/limits.js';
import type { PartParser, PartParserEvents } from './part-parser.js';

/**
 * busboy behind the {@link PartParser} seam. The engine enforces the byte
 * limits itself (exact "limit accepted, one more refused"), so busboy is given
 * only the count limits it applies on exceeding, and a cut-off one byte past
 * the field limits (busboy flags those on reaching).
 */
export function createBusboyParser(contentType: string, limits: UploadLimits, events: PartParserEvents): PartParser {
  const parser = busboy({
    headers: { 'content-type': contentType },
    // busboy's default decodes filename parameters as latin1: UTF-8 names would be garbled.
    defParamCharset: 'utf8',
    limits: {
      files: limits.files,
      fields: limits.fields,
      // Engine counts parts exactly; busboy's own cut-off (one past) catches unnamed parts.
      parts: limits.parts === Infinity ? Infinity : limits.parts + 1,
      fieldSize: limits.fieldSize === Infinity ? Infinity : limits.fieldSize + 1,
      fieldNameSize: limits.fieldNameSize === Infinity ? Infinity : limits.fieldNameSize + 1,
      headerPairs: Math.min(limits.headerPairs, 2000),
    },
  });

  guardAgainstOpenFileAtEnd(parser);
  let destroyed = false;
  parser.on('file', (field, stream, info) => {
    // An 'error' listener from the very first line: destroying busboy mid-file
    // destroys this stream with an error, which would otherwise crash the process.
    stream.on('error', (error) => events.onError(error));
    events.onFile(stream, { field: field ?? '', filename: info.filename, mimeType: info.mimeType });
  });
  parser.on('field', (name, value, info) => events.onField(name ?? '', value, info));
  parser.on('filesLimit', () => events.onLimit('files'));
  parser.on('fieldsLimit', () => events.onLimit('fields'));
  parser.on('partsLimit', () => events.onLimit('parts'));
  parser.on('error', (error: Error) => events.onError(error));
  parser.on('finish', () => events.onFinish());

  return {
    write: (chunk) => (destroyed ? true : parser.write(chunk)),
    end: () => {
      if (!destroyed) parser.end();
    },
    onDrain: (callback) => parser.on('drain', callback),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      // Destroying busboy from inside one of its own callbacks throws out of
      // write(); defer to the next tick.
      process.nextTick(() => parser.destroy());
    },
  };
}

/** The busboy 1.6.0 internals {@link guardAgainstOpenFileAtEnd} reads. */
interface BusboyInternals {
  _complete: boolean;
  _fileStream: import('node:stream').Readable | null | undefined;
  _final(callback: (error?: Error | null) => void): void;
}

/**
 * busboy 1.6.0 hangs forever on a body whose closing boundary comes early in a
 * chunk and whose later bytes open a file part that is never closed: it marks
 * the form complete, keeps parsing the rest of that chunk, and at the end
 * waits for a file stream it will never end (found by our fuzz test; the same
 * class as fastify/busboy#228). At `_final` every byte has been parsed, so a
 * file stream still open there can only be this case: fail it as malformed.
 * busboy is pinned to 1.6.0 exactly, so these internals cannot shift under us.
 */
function guardAgainstOpenFileAtEnd(parser: busboy.Busboy): void {
  const internals = parser as unknown as BusboyInternals;
  const original = internals._final.bind(parser);
  internals._final = (callback) => {
    const open = internals._fileStream;
    if (internals._complete && open) {
      internals._fileStream = null;
      const error = new Error('Malformed multipart: a file part was left open after the closing boundary');
      open.destroy(error);
      callback(error);
      return;
    }
    original(callback);
  };
}

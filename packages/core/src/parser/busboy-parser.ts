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

import { Busboy } from '@fastify/busboy';
import type { Readable } from 'node:stream';
import type { UploadLimits } from '../options/limits.js';
import type { PartParser, PartParserEvents } from './part-parser.js';

/**
 * How long the parser may stay silent once the body has ended and every file
 * stream it handed out has ended. From that point on only `process.nextTick`
 * work stands between @fastify/busboy and its 'finish' (or 'error'), so a
 * silence this long means it is stuck; the engine's idle timer is already off
 * then, and its request timeout (120 s by default) would be the only way out.
 */
export const FASTIFY_BUSBOY_STALL_MS = 2000;

/** busboy 1.6 refuses a part header block over 16 KiB; @fastify/busboy's default is 80 KiB. */
const HEADER_BLOCK_BYTES = 16 * 1024;

/**
 * @fastify/busboy (3.2.x) behind the {@link PartParser} seam, with the same
 * limit semantics as the busboy engine: exactly the limit is accepted, one
 * more is refused.
 *
 * How @fastify/busboy flags limits, and what is done about it here:
 * - `files`, `parts` (multipart): flagged on exceeding (`++n > limit`), so
 *   they are passed as they are. The engine also counts named parts itself.
 * - `fields`: multipart flags on exceeding, but the urlencoded parser stops
 *   *silently* once it has seen `limit` fields (it emits `fieldsLimit` only if
 *   another write comes). So the parser gets one more than the limit and
 *   fields are counted here, exactly, for both body types.
 * - `fieldSize`, `fieldNameSize`: the engine measures names and values in
 *   bytes itself; the parser's cut-off is one byte past, like the busboy engine.
 * - Field names are not limited by the multipart parser at all (its
 *   `fieldNameSize` applies to urlencoded only); the engine's check covers it.
 * - Part header blocks: @fastify/busboy truncates an oversized block instead of
 *   refusing it; the cap is set to busboy's 16 KiB so memory stays as bounded.
 *
 * Differences that remain (by design of the library, documented for whoever
 * switches the default): malformed percent-escapes in urlencoded bodies are
 * kept verbatim instead of refused; an oversized part header is cut, not refused.
 *
 * Filenames: parameters are decoded as UTF-8 by default (there is no
 * `defParamCharset` option; its default is what busboy needs `'utf8'` for).
 *
 * Known hangs: fastify/busboy#228 ('finish' never emitted when bytes arrive
 * after the closing delimiter in a later write) and #121 (a part whose header
 * block never completes is never finished) are fixed in 3.2.6, which is
 * pinned. As a guard against the next one, a parser that stays silent for
 * {@link FASTIFY_BUSBOY_STALL_MS} after the body ended and all file streams
 * ended is reported as an error instead of waiting for the request timeout.
 */
export function createFastifyBusboyParser(contentType: string, limits: UploadLimits, events: PartParserEvents): PartParser {
  const parser = Busboy({
    headers: { 'content-type': contentType },
    // busboy 1.6's rule: a part is a file when it has a non-empty filename or
    // is application/octet-stream. (@fastify/busboy would also take
    // `filename=""` with another type as a file.)
    isPartAFile: (_field, type, filename) => !!filename || type === 'application/octet-stream',
    limits: {
      files: limits.files,
      fields: limits.fields + 1,
      parts: limits.parts,
      fieldSize: limits.fieldSize + 1,
      fieldNameSize: limits.fieldNameSize + 1,
      headerPairs: Math.min(limits.headerPairs, 2000),
      headerSize: HEADER_BLOCK_BYTES,
    },
  });

  let destroyed = false;
  let ended = false;
  let finished = false;
  let fields = 0;
  let stallTimer: NodeJS.Timeout | undefined;
  const openFiles = new Set<Readable>();

  const stopWatching = (): void => {
    if (stallTimer) clearTimeout(stallTimer);
    stallTimer = undefined;
  };
  const watchForStall = (): void => {
    if (!ended || finished || destroyed || openFiles.size > 0 || stallTimer) return;
    stallTimer = setTimeout(() => {
      stallTimer = undefined;
      if (finished || destroyed) return;
      events.onError(new Error('multipart parser stalled after the body ended (@fastify/busboy emitted neither finish nor error)'));
    }, FASTIFY_BUSBOY_STALL_MS);
    stallTimer.unref();
  };

  parser.on('file', (field, stream, filename, _encoding, mimeType) => {
    // An 'error' listener before anything else: Dicer reports a part cut short
    // by emitting 'error' on this stream, which would otherwise crash the process.
    stream.on('error', (error) => events.onError(error));
    stopWatching();
    openFiles.add(stream);
    const forget = (): void => {
      if (openFiles.delete(stream)) watchForStall();
    };
    stream.once('end', forget);
    stream.once('close', forget);
    // busboy 1.6 reports `filename=""` (an empty file input) as no filename.
    events.onFile(stream, { field: field ?? '', filename: filename || undefined, mimeType });
  });
  parser.on('field', (name, value, nameTruncated, valueTruncated) => {
    if (destroyed) return;
    fields += 1;
    if (fields > limits.fields) {
      if (fields === limits.fields + 1) events.onLimit('fields');
      return;
    }
    events.onField(name ?? '', value, { nameTruncated, valueTruncated });
  });
  parser.on('filesLimit', () => events.onLimit('files'));
  parser.on('fieldsLimit', () => events.onLimit('fields'));
  parser.on('partsLimit', () => events.onLimit('parts'));
  parser.on('error', (error: unknown) => {
    stopWatching();
    events.onError(error instanceof Error ? error : new Error(String(error)));
  });
  parser.on('finish', () => {
    finished = true;
    stopWatching();
    events.onFinish();
  });

  return {
    write: (chunk) => (destroyed ? true : parser.write(chunk)),
    end: () => {
      if (destroyed) return;
      ended = true;
      parser.end();
      watchForStall();
    },
    onDrain: (callback) => parser.on('drain', callback),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      stopWatching();
      // Like the busboy engine: never destroy from inside one of the parser's
      // own callbacks. @fastify/busboy's destroy() does not end the file
      // stream in progress (busboy's does), so that is done here.
      process.nextTick(() => {
        parser.destroy();
        for (const stream of openFiles) stream.destroy(new Error('Unexpected end of form'));
        openFiles.clear();
      });
    },
  };
}

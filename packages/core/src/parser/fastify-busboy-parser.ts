import { Busboy } from '@fastify/busboy';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
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

/** Header lines of a part kept by @fastify/busboy at most (its own cap). */
const MAX_STORED_PAIRS = 2000;

/** @fastify/busboy's own parameter parser, so that the checks below read Content-Disposition exactly as it does. */
const parseParams = createRequire(import.meta.url)('@fastify/busboy/lib/utils/parseParams.js') as (value: string) => Array<string | [string, string | undefined]>;

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
 * Parts the library would skip without a word are refused instead, as the
 * busboy engine does (RFC 7578 §4.2): no Content-Disposition, more than one,
 * one that is not `form-data`, one folded onto a second line, or a name or
 * filename with a bare line break. More header lines than `headerPairs` is
 * `LIMIT_HEADER_PAIRS`. Bytes after the closing boundary (the epilogue) are
 * ignored, unless they hold another delimiter: parts after the end are a
 * parser differential (a proxy may read them), so that is malformed, as with
 * the busboy engine.
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
      // One line more than the limit is kept, so that exceeding it can be seen.
      headerPairs: Math.min(limits.headerPairs + 1, MAX_STORED_PAIRS),
      headerSize: HEADER_BLOCK_BYTES,
    },
  });
  checkPartHeaders(parser, limits.headerPairs, {
    onMalformed: (why) => events.onError(new Error(`Malformed multipart: ${why}`)),
    onTooManyPairs: () => events.onLimit('headerPairs'),
  });
  const epilogue = watchEpilogue(parser, contentType, () => events.onError(new Error('Malformed multipart: parts after the closing boundary')));

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
    write: (chunk) => {
      if (destroyed) return true;
      epilogue?.(chunk);
      return parser.write(chunk);
    },
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

/** The @fastify/busboy 3.2 internals {@link checkPartHeaders} reads (pinned, so they cannot shift). */
interface FastifyBusboyInternals {
  _parser?: { parser?: EventEmitter & { _hparser?: { buffer: string; _parseHeader(): void } } };
}

function isFormData(disposition: string): string | undefined {
  const [type, ...params] = parseParams(disposition);
  if (typeof type !== 'string' || !/^form-data$/i.test(type)) return 'a part whose Content-Disposition is not form-data';
  for (const param of params) {
    if (Array.isArray(param) && /^(name|filename)$/i.test(param[0]) && /[\r\n]/.test(param[1] ?? '')) return 'a line break in a part name or filename';
  }
  return undefined;
}

/**
 * Checks every part's headers before @fastify/busboy sees them. Without this it silently skips a part
 * whose Content-Disposition is missing or not form-data, and reads a folded
 * one differently from busboy (a file can turn into a field).
 */
function checkPartHeaders(parser: unknown, headerPairs: number, on: { onMalformed(why: string): void; onTooManyPairs(): void }): void {
  const dicer = (parser as FastifyBusboyInternals)._parser?.parser;
  if (!dicer) return; // urlencoded: no parts
  const headerParser = dicer._hparser;
  let folded = false;
  if (headerParser) {
    const parseHeader = headerParser._parseHeader;
    headerParser._parseHeader = function (this: { buffer: string }) {
      folded = /(?:^|\r\n)content-disposition:[^\r\n]*\r\n[ \t]/i.test(this.buffer);
      parseHeader.call(this);
    };
  }
  const refusal = (header: Record<string, string[]>): (() => void) | undefined => {
    const wasFolded = folded;
    folded = false;
    const pairs = Object.values(header).reduce((sum, values) => sum + values.length, 0);
    const dispositions = header['content-disposition'] ?? [];
    if (headerPairs < MAX_STORED_PAIRS - 1 && pairs > headerPairs) return on.onTooManyPairs;
    const why =
      dispositions.length === 0
        ? 'a part without Content-Disposition'
        : dispositions.length > 1
          ? 'a part with more than one Content-Disposition'
          : wasFolded
            ? 'a Content-Disposition folded onto a second line'
            : isFormData(dispositions[0]!);
    return why ? () => on.onMalformed(why) : undefined;
  };
  dicer.on('part', (part: EventEmitter & { resume(): void }) => {
    // The header event is intercepted rather than listened to, so that a
    // refused part never reaches @fastify/busboy (no file stream is opened).
    const emit = part.emit;
    part.emit = function (this: typeof part, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'header') {
        const refuse = refusal(args[0] as Record<string, string[]>);
        if (refuse) {
          part.on('error', () => {});
          part.resume();
          refuse();
          return true;
        }
      }
      return emit.call(this, event, ...args);
    };
  });
}

/**
 * Refuses an epilogue that contains the delimiter again. Dicer reports the
 * rest of the chunk that held the closing boundary as 'trailer'; later chunks
 * come through `write` (returned here) once Dicer has finished.
 */
function watchEpilogue(parser: unknown, contentType: string, onMalformed: () => void): ((chunk: Buffer) => void) | undefined {
  const dicer = (parser as FastifyBusboyInternals)._parser?.parser as (EventEmitter & { _finished?: boolean }) | undefined;
  const boundary = parseParams(contentType).find((param): param is [string, string] => Array.isArray(param) && /^boundary$/i.test(param[0]))?.[1];
  if (!dicer || !boundary) return undefined;
  const needle = `--${boundary}`;
  let tail = '';
  let refused = false;
  const scan = (data: Buffer): void => {
    if (refused) return;
    const text = tail + data.toString('latin1');
    if (text.includes(needle)) {
      refused = true;
      onMalformed();
      return;
    }
    tail = text.slice(-(needle.length - 1));
  };
  dicer.on('trailer', scan);
  return (chunk) => {
    if (dicer._finished) scan(chunk);
  };
}

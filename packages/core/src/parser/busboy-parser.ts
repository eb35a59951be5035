/// <reference path="./busboy-utils.d.ts" />
import busboy from 'busboy';
import busboyUtils from 'busboy/lib/utils.js';
import { PartCounter, cutOffPast, type UploadLimits } from '../limits/limits.js';
import type { ParserLimit, PartParser, PartParserEvents } from './part-parser.js';

/**
 * busboy behind the {@link PartParser} seam. busboy reports; the limits
 * module decides: parts are counted by the request's {@link PartCounter} as
 * busboy emits them (busboy's own count limits are off: it flags some on
 * reaching, others on exceeding), and field names and values are cut off one
 * unit past their limits so that "over" is a fact busboy reports.
 */
export function createBusboyParser(contentType: string, limits: UploadLimits, events: PartParserEvents): PartParser {
  const counter = new PartCounter(limits);
  /** A limit or error was reported: nothing more is (the engine destroys the parser). */
  let stopped = false;
  const parser = busboy({
    headers: { 'content-type': contentType },
    // busboy's default decodes filename parameters as latin1: UTF-8 names would be garbled.
    defParamCharset: 'utf8',
    limits: {
      files: Infinity,
      fields: Infinity,
      parts: Infinity,
      fieldSize: cutOffPast(limits.fieldSize),
      fieldNameSize: cutOffPast(limits.fieldNameSize),
      headerPairs: Math.min(limits.headerPairs, 2000),
    },
  });
  const refuse = (limit: ParserLimit): void => {
    stopped = true;
    events.onLimit(limit);
  };

  guardAgainstOpenFileAtEnd(parser);
  let destroyed = false;
  checkPartHeaders(parser, counter, {
    onMalformed: () => events.onError(new Error('Malformed multipart: a part without exactly one form-data Content-Disposition')),
    onTooManyPairs: () => refuse('headerPairs'),
  });
  parser.on('file', (field, stream, info) => {
    // An 'error' listener from the very first line: destroying busboy mid-file
    // destroys this stream with an error, which would otherwise crash the process.
    stream.on('error', (error) => events.onError(error));
    const exceeded = stopped ? undefined : counter.begin(true);
    if (stopped || exceeded) {
      stream.resume();
      if (exceeded) refuse(exceeded);
      return;
    }
    events.onFile(stream, { field: field ?? '', filename: info.filename, mimeType: info.mimeType });
  });
  parser.on('field', (name, value, info) => {
    if (stopped) return;
    const exceeded = counter.begin(false);
    if (exceeded) return refuse(exceeded);
    events.onField(name ?? '', value, info);
  });
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

/** The busboy 1.6.0 part-header parser, as {@link checkPartHeaders} sees it. */
interface BusboyHeaderParser {
  cb(header: Record<string, string[]>): void;
}

/** busboy 1.6.0's own Content-Disposition parser (busboy-utils.d.ts), so that the check below agrees with it exactly. */
const utf8Decoder = busboyUtils.getDecoder('utf8');

/**
 * busboy 1.6.0 silently skips a part whose Content-Disposition is missing,
 * unparseable (e.g. folded onto a second line) or not `form-data`: the client
 * gets a success while its file or field vanished. RFC 7578 §4.2 requires that
 * header on every part, so such a part is malformed, like a nameless one. So
 * is a part with two of them (RFC 9110 §5.3: not a list header): busboy reads
 * the first, a proxy or scanner in front may read the last.
 *
 * busboy also ignores `limits.headerPairs`. It keeps 1999 header lines of a
 * part and drops the rest (and refuses a header block over 16 KiB), so a
 * `headerPairs` below that is enforced here; above it, busboy's own caps hold.
 *
 * Both need the parsed headers of each part, which busboy keeps to itself: its
 * header parser is wrapped when busboy installs it at the start of each part
 * (busboy is pinned to 1.6.0 exactly, so these internals cannot shift).
 */
function checkPartHeaders(parser: busboy.Busboy, counter: PartCounter, on: { onMalformed(): void; onTooManyPairs(): void }): void {
  let current: BusboyHeaderParser | null = null;
  const wrapped = new WeakSet<BusboyHeaderParser>();
  Object.defineProperty(parser, '_hparser', {
    configurable: true,
    get: () => current,
    set: (value: BusboyHeaderParser | null) => {
      if (value && !wrapped.has(value)) {
        wrapped.add(value);
        const original = value.cb;
        value.cb = (header) => {
          const pairs = Object.values(header).reduce((sum, values) => sum + values.length, 0);
          const dispositions = header['content-disposition'] ?? [];
          // busboy stores at most 1999 lines of a part, so a limit at or above that never bites here.
          if (counter.tooManyHeaderLines(pairs)) on.onTooManyPairs();
          else if (dispositions.length !== 1 || busboyUtils.parseDisposition(dispositions[0]!, utf8Decoder)?.type !== 'form-data') on.onMalformed();
          original(header);
        };
      }
      current = value;
    },
  });
}

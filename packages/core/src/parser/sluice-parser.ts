import { parse as parseContentType } from 'content-type';
import { PartCounter, cutOffPast, type UploadLimits } from '../limits/limits.js';
import { FieldCollector } from './multipart/field-collector.js';
import { DrainGate, FilePartStream } from './multipart/file-part-stream.js';
import { type FormPart, describePart } from './multipart/form-part.js';
import { FormReader, type FormReaderOptions, type FormSink } from './multipart/form-reader.js';
import { MultipartFramer } from './multipart/multipart-parser.js';
import type { PartHeaders } from './multipart/part-headers.js';
import type { ParserLimit, PartParser, PartParserEvents } from './part-parser.js';

/**
 * Sluice's own multipart parser behind the {@link PartParser} seam. Its
 * delimiter search is `Buffer#indexOf` (linear whatever the bytes), and file
 * bytes reach the engine as slices of the request's own chunks.
 *
 * It answers like the busboy engine (busboy 1.6 plus the checks of
 * busboy-parser.ts) at the seam: the same fields, files, names, types and
 * limits, and an error wherever the busboy engine has one. It is stricter
 * where busboy silently drops data or reads a body differently from RFC 2046
 * (see {@link MultipartFramer} and {@link PartHeaderReader}): a delimiter
 * followed by anything but CRLF or `--`, a part body that starts with the
 * delimiter; it accepts transport padding after a delimiter, which busboy
 * skips together with the part. Where real clients need it, it reads more
 * than busboy, on purpose ({@link FormReader}, docs/naming.md): `filename=""`
 * parts, WHATWG escapes and legacy charsets in names, form-data's raw
 * quotes, folded header lines, transfer encodings.
 *
 * `application/x-www-form-urlencoded` bodies (fields only, never the hot
 * path) go to the busboy engine (engines.ts routes them there).
 */
export function createSluiceParser(contentType: string, limits: UploadLimits, events: PartParserEvents, form: FormReaderOptions = {}): PartParser {
  const { type, parameters } = parseContentType(contentType);
  if (type !== 'multipart/form-data') throw new Error(`Unsupported content type: ${contentType}`);
  const boundary = parameters.boundary;
  if (!boundary) throw new Error('Multipart: Boundary not found');
  return new SluiceMultipartParser(boundary, limits, events, form);
}

/** {@link createSluiceParser} for a boundary already read from the request's Content-Type (the engine parses that header once). */
export function createSluiceParserForBoundary(boundary: string, limits: UploadLimits, events: PartParserEvents, form: FormReaderOptions = {}): PartParser {
  return new SluiceMultipartParser(boundary, limits, events, form);
}

/** The part being read: a file streaming out, a field being buffered, or nothing (before the first part). */
type CurrentPart = { kind: 'file'; stream: FilePartStream } | { kind: 'field'; name: string; charset: string; value: FieldCollector } | undefined;

const MALFORMED_DISPOSITION = 'a part without exactly one form-data Content-Disposition';

/**
 * Turns framed parts into the engine's events and applies the count limits,
 * each exactly as the busboy engine does: "exactly the limit" is accepted,
 * one more is reported when that part begins, and then nothing more is
 * reported (the engine destroys the parser).
 */
class SluiceMultipartParser implements PartParser, FormSink {
  private readonly framer: MultipartFramer;
  private readonly gate = new DrainGate();
  private readonly release = (stream: FilePartStream): void => this.gate.release(stream);
  private current: CurrentPart;
  private readonly counter: PartCounter;
  /** An error or a limit was reported, or the body ended: ignore everything after. */
  private stopped = false;
  private destroyed = false;

  constructor(
    boundary: string,
    private readonly limits: UploadLimits,
    private readonly events: PartParserEvents,
    form: FormReaderOptions,
  ) {
    // The FormReader reads names, skips untouched file inputs and undoes transfer encodings (multipart/form-reader.ts).
    this.framer = new MultipartFramer(boundary, new FormReader(this, form));
    this.counter = new PartCounter(limits);
  }

  // ---- PartParser ---------------------------------------------------------

  write(chunk: Buffer): boolean {
    if (this.stopped) return true;
    this.gate.beginWrite();
    try {
      this.framer.write(chunk);
    } catch (error) {
      // Only an event handler can throw here; a throw out of write() would be
      // an uncaught exception in the request's 'data' listener.
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
    return this.gate.endWrite() || this.stopped;
  }

  end(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.framer.stop();
    if (this.framer.closed) {
      this.report(() => this.events.onFinish());
      return;
    }
    const error = new Error('Unexpected end of form');
    this.report(() => this.events.onError(error));
    // After onError, so that the engine takes it as a malformed body, not a
    // failing file stream. Its 'error' listener reports it once more (ignored).
    if (this.current?.kind === 'file') this.current.stream.destroy(error);
    this.current = undefined;
  }

  onDrain(callback: () => void): void {
    this.gate.onDrain(callback);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stopped = true;
    this.framer.stop();
    const open = this.current?.kind === 'file' ? this.current.stream : undefined;
    this.current = undefined;
    // Deferred, as in the other engines: destroy() may come from inside one of
    // this parser's own callbacks, in the middle of a write.
    if (open) process.nextTick(() => open.destroy(new Error('Unexpected end of file')));
  }

  // ---- MultipartSink ------------------------------------------------------

  onPartStart(headers: PartHeaders, part: FormPart | undefined = describePart(headers)): void {
    // The order of the checks is the busboy engine's: header lines, then the
    // disposition, then the files/fields count, then the part count.
    // The limits module decides (limits/limits.ts); the header-line check comes before the disposition's.
    if (this.counter.tooManyHeaderLines(headers.lines)) return this.limit('headerPairs');
    if (part === undefined) return this.malformed(MALFORMED_DISPOSITION);

    const { name, filename, mimeType, isFile } = part;
    const exceeded = this.counter.begin(isFile);
    if (exceeded) return this.limit(exceeded);

    if (!isFile) {
      this.current = { kind: 'field', name, charset: part.charset, value: new FieldCollector(cutOffPast(this.limits.fieldSize)) };
      return;
    }
    const stream = new FilePartStream(this.release);
    // An 'error' listener before the stream leaves this function: destroying it
    // with an error (end of body, destroy()) must never be an uncaught exception.
    stream.on('error', (error) => this.events.onError(error));
    stream.on('end', () => this.gate.release(stream));
    stream.on('close', () => this.gate.release(stream));
    this.current = { kind: 'file', stream };
    this.events.onFile(stream, { field: name, filename, mimeType });
  }

  onPartData(data: Buffer): void {
    const current = this.current;
    if (current === undefined) return;
    if (current.kind === 'field') {
      current.value.add(data);
      return;
    }
    // A stream its consumer destroyed takes nothing more; the rest of the part is skipped.
    if (current.stream.destroyed) return;
    if (!current.stream.push(data)) this.gate.block(current.stream);
  }

  onPartEnd(): void {
    const current = this.current;
    this.current = undefined;
    if (current === undefined) return;
    if (current.kind === 'file') {
      if (!current.stream.destroyed) current.stream.push(null);
      return;
    }
    const { name, value } = current;
    // Names arrive whole (the header block is bounded); the engine measures them against fieldNameSize.
    this.events.onField(name, value.value(current.charset), { nameTruncated: false, valueTruncated: value.truncated });
  }

  onClose(): void {
    // Nothing to do until end(): the engine finishes once the body has ended.
  }

  onMalformed(reason: string): void {
    this.malformed(reason);
  }

  // ---- reporting ----------------------------------------------------------

  private malformed(reason: string): void {
    this.fail(new Error(`Malformed multipart: ${reason}`));
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stop();
    this.report(() => this.events.onError(error));
  }

  private limit(limit: ParserLimit): void {
    if (this.stopped) return;
    this.stop();
    this.report(() => this.events.onLimit(limit));
  }

  private stop(): void {
    this.stopped = true;
    this.framer.stop();
  }

  /** Runs an event handler after the parser stopped; whatever it throws stays here (never out of write/end). */
  private report(call: () => void): void {
    try {
      call();
    } catch {
      // The engine's handlers do not throw; a handler that does must not crash the request's stream.
    }
  }
}

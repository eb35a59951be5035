import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { UploadError, toUploadError } from '../errors/upload-error.js';
import type { EventHub } from '../events/event-hub.js';
import type { AnyUploadEvent, UploadEventMap, UploadEventName } from '../events/types.js';
import { loadChecksums } from '../file/checksums.js';
import { FileUpload, type FilePolicy } from '../file/file-upload.js';
import { fieldNameError, fieldValueError, limitError } from '../limits/limits.js';
import { startRecording } from '../logging/body-recorder.js';
import { loadPartParser, type PartParserFactory } from '../parser/engines.js';
import type { FilePartInfo, ParserLimit, PartParser, PartParserEvents } from '../parser/part-parser.js';
import { createRawBodyParser, rawUploadFile } from '../parser/raw-body-parser.js';
import { toNodeReadable, type BodySource } from '../request/body-source.js';
import { readRequestHead, type RequestHead } from '../request/classify-request.js';
import { contentLengthOf, flattenHeaders, type FlatHeaders, type HeaderSource } from '../request/headers.js';
import { appendField, createSafeRecord } from '../result/safe-record.js';
import type { UploadResult } from '../result/types.js';
import { BodyReader } from './body-reader.js';
import { buildResult, rollBack, waitForFiles } from './settle-files.js';
import type { ResolvedUploadOptions } from './upload-options.js';

/** One request handed to an upload handler. */
export interface UploadInput<Request = unknown> {
  /** The request headers (Node's `req.headers` or a Fetch `Headers`). */
  headers: HeaderSource;
  /** The request body: a Node Readable (e.g. `req`) or a Web ReadableStream. */
  body: BodySource;
  /** Aborts the upload, e.g. when the client disconnects. */
  signal?: AbortSignal;
  /** Anything the key function or session hook needs (the framework's request). */
  request?: Request;
  /** The HTTP method; raw-body uploads accept only PUT and POST (405 otherwise). */
  method?: string;
  /** For raw-body uploads: the file name from the route. */
  filename?: string;
  /** Receives every event of this request only. */
  onEvent?: (event: AnyUploadEvent) => void;
}

/**
 * One request from headers to result: the orchestrator. The request's head is
 * read once (request/), a {@link BodyReader} feeds the body into the parser,
 * each file part becomes a {@link FileUpload} (file/), the limits module
 * decides every limit (limits/), and on any failure it stops reading, aborts
 * storage writes, waits for them, removes what must not stay, and only then
 * settles: `run()` resolves with the result or rejects with an `UploadError`.
 */
export class UploadSession<Request> implements PartParserEvents {
  readonly requestId = randomUUID();
  private readonly startTime = Date.now();
  private readonly headers: FlatHeaders;
  private readonly files: FileUpload<Request>[] = [];
  private readonly fields = createSafeRecord<string | string[]>();
  private readonly filePolicy: FilePolicy<Request>;
  private reader: BodyReader | undefined;
  private parser: PartParser | undefined;
  private failure: UploadError | undefined;
  private settled = false;
  private resolveOutcome!: (result: UploadResult) => void;
  private rejectOutcome!: (error: UploadError) => void;
  private readonly outcome = new Promise<UploadResult>((resolve, reject) => {
    this.resolveOutcome = resolve;
    this.rejectOutcome = reject;
  });

  constructor(
    private readonly options: ResolvedUploadOptions<Request>,
    private readonly hub: EventHub,
    private readonly input: UploadInput<Request>,
  ) {
    this.headers = flattenHeaders(input.headers ?? {});
    const { storage, limits, checksums, allowedTypes, key, removeIncompleteFiles } = options;
    this.filePolicy = { storage, maxBytes: limits.fileSize, checksums, allowedTypes, key, keepPartial: !removeIncompleteFiles };
  }

  /** Fails the request from outside (server shutdown); resolves once it is cleaned up. */
  async cancel(error: UploadError): Promise<void> {
    await this.fail(error);
    await this.outcome.catch(() => {});
  }

  /** Refuses the request without reading it (still emits loadstart, error, loadend). */
  refuse(error: UploadError): Promise<UploadResult> {
    this.emitLoadStart();
    void this.fail(error);
    return this.outcome;
  }

  /** Starts reading; the promise settles exactly once, after cleanup. */
  run(): Promise<UploadResult> {
    this.emitLoadStart();
    let parser: PartParser | Promise<PartParser>;
    let reader: BodyReader;
    try {
      const head = readRequestHead(this.headers, this.options as ResolvedUploadOptions<unknown>, this.input.method);
      const { stream, owned } = toNodeReadable(this.input.body);
      reader = this.reader = this.createReader(stream, owned, head);
      parser = this.createParser(head);
    } catch (error) {
      void this.fail(error);
      return this.outcome;
    }
    reader.startClocks();
    // The engine and crc32c load on the first request that needs them; later ones start at once.
    const checksums = loadChecksums(this.options.checksums);
    if (checksums === undefined && !(parser instanceof Promise)) this.startReading(reader, parser);
    else {
      reader.hold();
      Promise.all([parser, checksums]).then(
        ([loaded]) => this.startReading(reader, loaded),
        (error: unknown) => this.fail(error),
      );
    }
    return this.outcome;
  }

  private startReading(reader: BodyReader, parser: PartParser): void {
    if (this.failure || this.settled) return parser.destroy();
    this.parser = parser;
    reader.start(parser);
  }

  private createReader(body: Readable, ownsBody: boolean, head: RequestHead): BodyReader {
    const { options, requestId } = this;
    const recorder = options.recordDir ? startRecording(options.recordDir, requestId, this.headers, options.logger) : undefined;
    const { requestTimeoutMs, idleTimeoutMs, progressBytes, progressChunks } = options;
    return new BodyReader(
      body,
      { bound: head.bound, requestTimeoutMs, idleTimeoutMs, progressBytes, progressChunks, ownsBody, signal: this.input.signal, recorder },
      {
        fail: (error) => void this.fail(error),
        abort: (bytesReceived) => this.emit('abort', { requestId, bytesReceived }),
        timeout: (kind, afterMs) => this.emit('timeout', { requestId, kind, afterMs }),
        progress: (bytesReceived, chunksReceived) => {
          if (!this.wants('progress')) return;
          const total = head.contentLength;
          this.emit('progress', { requestId, bytesReceived, chunksReceived, contentLength: total, ratio: total ? Math.min(1, bytesReceived / total) : undefined });
        },
      },
    );
  }

  private createParser(head: RequestHead): PartParser | Promise<PartParser> {
    if (head.kind === 'raw') {
      const raw = this.options.rawUpload!;
      return createRawBodyParser(rawUploadFile(raw, head.declaredType, this.input.filename, this.headers[raw.filenameHeader]), this);
    }
    const { contentType } = head;
    const boundary = head.kind === 'multipart' ? head.boundary : undefined;
    const create = (factory: PartParserFactory): PartParser => factory(contentType, this.options.limits, this, { defaultCharset: this.options.defaultCharset }, boundary);
    const factory = loadPartParser(this.options.parser, head.kind);
    return typeof factory === 'function' ? create(factory) : factory.then(create);
  }

  // ---- parser events ------------------------------------------------------

  onFile(stream: Readable, info: FilePartInfo): void {
    const refusal = this.failure ?? fieldNameError(info.field, false, this.options.limits);
    if (refusal) {
      stream.resume();
      return void this.fail(refusal);
    }
    const { requestId } = this;
    const file: FileUpload<Request> = new FileUpload(
      { field: info.field, name: info.filename, declaredType: info.mimeType },
      this.filePolicy,
      { requestId, request: this.input.request as Request, now: new Date(this.startTime) },
      {
        onFailure: (error) => void this.fail(error),
        // Per-file hot path (many small files): build the event only for a listener.
        onStored: (stored) => this.failure || !this.wants('load') || this.emit('load', { requestId, kind: 'file', file: stored }),
        onWarning: (text) => this.emit('message', { requestId, kind: 'warning', text }),
      },
    );
    this.files.push(file);
    file.attach(stream);
  }

  onField(name: string, value: string, info: { nameTruncated: boolean; valueTruncated: boolean }): void {
    if (this.failure) return;
    const { limits } = this.options;
    const refusal = fieldNameError(name, info.nameTruncated, limits) ?? fieldValueError(name, value, info.valueTruncated, limits);
    if (refusal) return void this.fail(refusal);
    appendField(this.fields, name, value);
    // Per-field hot path (1000-field forms): build the event only for a listener.
    if (this.wants('load')) this.emit('load', { requestId: this.requestId, kind: 'field', name, value });
  }

  onLimit(limit: ParserLimit): void {
    void this.fail(limitError(limit, this.options.limits[limit]));
  }

  onError(error: Error): void {
    void this.fail(new UploadError('MALFORMED_REQUEST', { cause: error }));
  }

  onFinish(): void {
    void this.completeWhenStored();
  }

  // ---- settling -----------------------------------------------------------

  private async completeWhenStored(): Promise<void> {
    await Promise.all(this.files.map((file) => file.done));
    if (this.failure || this.settled) return;
    this.settled = true;
    this.reader?.stop();
    const result = buildResult(this.resultBase(), this.files, [], 0);
    this.emit('loadend', { requestId: this.requestId, result, error: undefined });
    this.resolveOutcome(result);
  }

  /** The one place a failure is normalised: `run()` rejects with nothing but an `UploadError`. */
  private async fail(error: unknown): Promise<void> {
    if (this.failure || this.settled) return;
    const failure = toUploadError(error);
    this.failure = failure;
    const { options, requestId } = this;
    options.logger.debug('sluice: upload failed', { requestId, code: failure.code, cause: String(failure.cause ?? '') });
    this.reader?.stop();
    this.parser?.destroy();
    // A file whose bytes all arrived may finish storing; the policy below
    // decides whether it stays. Only files still streaming are cut off.
    for (const file of this.files) file.abort(failure);
    await waitForFiles(this.files, options.cleanupTimeoutMs, options.logger, requestId);
    const { removed, incomplete } = await rollBack(this.files, failure.code, options, (key, reason) => this.emit('message', { requestId, kind: 'fileremoved', key, reason }));
    this.settled = true;
    const result = buildResult(
      this.resultBase(),
      this.files.filter((file) => !removed.has(file)),
      incomplete,
      removed.size,
    );
    failure.result = result;
    this.emit('error', { requestId, error: failure });
    this.emit('loadend', { requestId, result, error: failure });
    this.rejectOutcome(failure);
  }

  private resultBase() {
    const { requestId, fields, startTime, reader } = this;
    return { requestId, fields, startTime, bytesReceived: reader?.bytesReceived ?? 0, chunksReceived: reader?.chunksReceived ?? 0 };
  }

  private emitLoadStart(): void {
    this.emit('loadstart', { requestId: this.requestId, contentLength: contentLengthOf(this.headers), startTime: this.startTime });
  }

  /** True when anybody would receive event `name` (lets hot paths skip building it). */
  private wants(name: UploadEventName): boolean {
    return this.input.onEvent !== undefined || this.hub.has(name);
  }

  private emit<E extends UploadEventName>(name: E, event: UploadEventMap[E]): void {
    this.hub.emit(name, event, this.input.onEvent);
  }
}

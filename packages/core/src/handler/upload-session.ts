import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { toNodeReadable, type BodySource } from '../body/to-node-readable.js';
import { UploadError, toUploadError } from '../errors/upload-error.js';
import type { EventHub } from '../events/event-hub.js';
import type { AnyUploadEvent, UploadEventMap, UploadEventName } from '../events/types.js';
import { startRecording, type BodyRecorder } from '../logging/body-recorder.js';
import { loadChecksums } from '../file/checksums.js';
import { FileUpload, type FilePolicy } from '../file/file-upload.js';
import type { ResolvedUploadOptions } from '../options/upload-options.js';
import { loadPartParser, type PartParserFactory } from '../parser/engines.js';
import type { FilePartInfo, ParserLimit, PartParser, PartParserEvents } from '../parser/part-parser.js';
import { createRawBodyParser, rawUploadFile } from '../parser/raw-body-parser.js';
import { appendField, createSafeRecord } from '../result/safe-record.js';
import type { UploadResult } from '../result/types.js';
import { buildResult, rollBack } from './settle-files.js';
import { bodyByteLimit, bodyByteLimitError, classifyRequest, type BodyKind } from './classify-request.js';
import { contentLengthOf, flattenHeaders, type FlatHeaders, type HeaderSource } from './request-headers.js';

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

const LIMIT_CODES = { files: 'LIMIT_FILES', fields: 'LIMIT_FIELDS', parts: 'LIMIT_PARTS', headerPairs: 'LIMIT_HEADER_PAIRS' } as const;

/**
 * One request from headers to result. It reads the body only as fast as the
 * parser and storage take it, enforces every limit as bytes arrive, and on any
 * failure stops reading, aborts storage writes, waits for them, removes what
 * must not stay, and only then settles.
 */
export class UploadSession<Request> implements PartParserEvents {
  readonly requestId = randomUUID();
  private readonly startTime = Date.now();
  private readonly headers: FlatHeaders;
  private readonly contentLength: number | undefined;
  private readonly entries: FileUpload<Request>[] = [];
  private readonly filePolicy: FilePolicy<Request>;
  private readonly fields = createSafeRecord<string | string[]>();
  private bytesReceived = 0;
  private chunksReceived = 0;
  private lastProgressBytes = 0;
  private lastProgressChunks = 0;
  private partCount = 0;
  private byteLimit = Infinity;
  private byteLimitCode: 'LIMIT_TOTAL_SIZE' | 'LIMIT_URLENCODED_SIZE' = 'LIMIT_TOTAL_SIZE';
  private body: Readable | undefined;
  private ownsBody = false;
  private bodyEnded = false;
  private parser: PartParser | undefined;
  private recorder: BodyRecorder | undefined;
  private requestTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleTimerStopped = false;
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
    this.contentLength = contentLengthOf(this.headers);
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
    this.emit('loadstart', { requestId: this.requestId, contentLength: this.contentLength, startTime: this.startTime });
    void this.fail(error);
    return this.outcome;
  }

  /** Starts reading; the promise settles exactly once, after cleanup. */
  run(): Promise<UploadResult> {
    this.emit('loadstart', { requestId: this.requestId, contentLength: this.contentLength, startTime: this.startTime });
    let parser: PartParser | Promise<PartParser>;
    try {
      const kind = classifyRequest(this.headers, this.options as ResolvedUploadOptions<unknown>, this.input.method);
      this.applyByteLimit(kind);
      const { stream, owned } = toNodeReadable(this.input.body);
      this.body = stream;
      this.ownsBody = owned;
      parser = this.createParser(kind);
    } catch (error) {
      void this.fail(error);
      return this.outcome;
    }
    if (this.options.recordDir) this.recorder = startRecording(this.options.recordDir, this.requestId, this.headers, this.options.logger);
    this.startTimers();
    // The engine and crc32c load on the first request that needs them; later ones start at once.
    const checksums = loadChecksums(this.options.checksums);
    if (checksums === undefined && !(parser instanceof Promise)) this.listen(parser);
    else {
      // Nothing may flow past us while loading (a body someone else already reads would lose chunks).
      this.body.pause();
      Promise.all([parser, checksums]).then(
        ([loaded]) => (this.failure || this.settled ? loaded.destroy() : this.listen(loaded)),
        (error: unknown) => this.fail(error),
      );
    }
    return this.outcome;
  }

  private applyByteLimit(kind: BodyKind): void {
    const bound = bodyByteLimit(kind, this.options.limits);
    this.byteLimit = bound.max;
    this.byteLimitCode = bound.code;
    // formaline's checkContentLength: refuse from the headers alone.
    if (this.contentLength !== undefined && this.contentLength > this.byteLimit) throw this.byteLimitError();
  }

  private byteLimitError(): UploadError {
    return bodyByteLimitError({ max: this.byteLimit, code: this.byteLimitCode, limit: this.byteLimitCode === 'LIMIT_TOTAL_SIZE' ? 'totalSize' : 'urlencodedSize' });
  }

  private createParser(kind: BodyKind): PartParser | Promise<PartParser> {
    if (kind.kind === 'raw') {
      const raw = this.options.rawUpload!;
      return createRawBodyParser(rawUploadFile(raw, kind.declaredType, this.input.filename, this.headers[raw.filenameHeader]), this);
    }
    const { contentType } = kind;
    const create = (factory: PartParserFactory): PartParser => factory(contentType, this.options.limits, this, { defaultCharset: this.options.defaultCharset });
    const factory = loadPartParser(this.options.parser, kind.kind);
    return typeof factory === 'function' ? create(factory) : factory.then(create);
  }

  private startTimers(): void {
    const { requestTimeoutMs, idleTimeoutMs } = this.options;
    if (requestTimeoutMs > 0) this.requestTimer = setTimeout(() => this.timeout('request', requestTimeoutMs), requestTimeoutMs);
    this.armIdleTimer();
  }

  /** (Re)starts the idle clock: from now on the client has `idleTimeoutMs` to send the next chunk. */
  private armIdleTimer(): void {
    const { idleTimeoutMs } = this.options;
    if (idleTimeoutMs <= 0) return;
    // refresh() is cheaper than a new timer, but does not revive a cleared one.
    if (this.idleTimer && !this.idleTimerStopped) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => this.timeout('idle', idleTimeoutMs), idleTimeoutMs);
    this.idleTimerStopped = false;
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimerStopped = true;
  }

  private timeout(kind: 'request' | 'idle', afterMs: number): void {
    if (this.failure || this.settled) return;
    this.emit('timeout', { requestId: this.requestId, kind, afterMs });
    void this.fail(new UploadError(kind === 'request' ? 'REQUEST_TIMEOUT' : 'IDLE_TIMEOUT', { details: { afterMs } }));
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.failure) return;
    this.bytesReceived += chunk.length;
    this.chunksReceived += 1;
    if (this.bytesReceived > this.byteLimit) {
      void this.fail(this.byteLimitError());
      return;
    }
    this.recorder?.write(chunk);
    this.maybeEmitProgress();
    if (this.parser!.write(chunk)) {
      this.armIdleTimer();
    } else {
      // Storage or the parser is behind: stop reading the socket. The idle
      // clock stops too, because now we are the slow party, not the client.
      this.body!.pause();
      this.stopIdleTimer();
    }
  };

  private readonly onDrain = (): void => {
    if (this.failure || this.bodyEnded) return;
    this.armIdleTimer();
    this.body!.resume();
  };

  private readonly onEnd = (): void => {
    this.bodyEnded = true;
    this.stopIdleTimer();
    this.emitProgress();
    this.parser!.end();
  };

  private readonly onClientGone = (): void => {
    if (this.failure || this.settled || this.bodyEnded) return;
    this.emit('abort', { requestId: this.requestId, bytesReceived: this.bytesReceived });
    void this.fail(new UploadError('CLIENT_ABORTED'));
  };

  private readonly onSignalAbort = (): void => {
    if (this.failure || this.settled) return;
    this.emit('abort', { requestId: this.requestId, bytesReceived: this.bytesReceived });
    void this.fail(new UploadError('CLIENT_ABORTED', { cause: this.input.signal?.reason }));
  };

  private listen(parser: PartParser): void {
    const body = this.body!;
    this.parser = parser;
    parser.onDrain(this.onDrain);
    body.on('data', this.onData);
    body.on('end', this.onEnd);
    body.on('error', this.onClientGone);
    body.on('close', this.onClientGone);
    // The body may have closed while the engine was loading (crc32c on a first request).
    if (body.destroyed && !body.readableEnded) this.onClientGone();
    if (this.input.signal?.aborted) this.onSignalAbort();
    else this.input.signal?.addEventListener('abort', this.onSignalAbort, { once: true });
    if (!this.failure && body.isPaused()) body.resume();
  }

  private detachBody(): void {
    const body = this.body;
    this.input.signal?.removeEventListener('abort', this.onSignalAbort);
    if (!body) return;
    body.off('data', this.onData);
    body.off('end', this.onEnd);
    body.off('close', this.onClientGone);
    body.off('error', this.onClientGone);
    // Errors after we stopped listening must not become uncaught exceptions.
    body.on('error', () => {});
    if (this.ownsBody) body.destroy();
    // A caller-owned body (Node's request) is left paused: the adapter decides
    // whether to drain it so the client sees the response, or to close the socket.
    else if (!this.bodyEnded) body.pause();
  }

  private maybeEmitProgress(): void {
    if (this.bytesReceived - this.lastProgressBytes >= this.options.progressBytes || this.chunksReceived - this.lastProgressChunks >= this.options.progressChunks) {
      this.emitProgress();
    }
  }

  private emitProgress(): void {
    this.lastProgressBytes = this.bytesReceived;
    this.lastProgressChunks = this.chunksReceived;
    if (!this.wants('progress')) return;
    const total = this.contentLength;
    this.emit('progress', {
      requestId: this.requestId,
      bytesReceived: this.bytesReceived,
      chunksReceived: this.chunksReceived,
      contentLength: total,
      ratio: total ? Math.min(1, this.bytesReceived / total) : undefined,
    });
  }

  // ---- parser callbacks -------------------------------------------------

  onFile(stream: Readable, info: FilePartInfo): void {
    if (this.failure || !this.countPart() || !this.checkFieldName(info.field)) {
      stream.resume();
      return;
    }
    const file: FileUpload<Request> = new FileUpload(
      { field: info.field, name: info.filename, declaredType: info.mimeType },
      this.filePolicy,
      { requestId: this.requestId, request: this.input.request as Request, now: new Date(this.startTime) },
      {
        onFailure: (error) => void this.fail(error),
        onStored: (stored) => {
          if (!this.failure) this.emit('load', { requestId: this.requestId, kind: 'file', file: stored });
        },
        onWarning: (text) => this.emit('message', { requestId: this.requestId, kind: 'warning', text }),
      },
    );
    this.entries.push(file);
    file.attach(stream);
  }

  onField(name: string, value: string, info: { nameTruncated: boolean; valueTruncated: boolean }): void {
    if (this.failure || !this.countPart() || !this.checkFieldName(name, info.nameTruncated)) return;
    const { fieldSize } = this.options.limits;
    if (info.valueTruncated || (value.length > fieldSize / 3 && Buffer.byteLength(value) > fieldSize)) {
      void this.fail(new UploadError('LIMIT_FIELD_SIZE', { details: { limit: 'fieldSize', max: fieldSize, field: name } }));
      return;
    }
    appendField(this.fields, name, value);
    // Per-field hot path (1000-field forms): build the event only for a listener.
    if (this.wants('load')) this.emit('load', { requestId: this.requestId, kind: 'field', name, value });
  }

  onLimit(limit: ParserLimit): void {
    const max = this.options.limits[limit];
    void this.fail(new UploadError(LIMIT_CODES[limit], { details: { limit, max } }));
  }

  onError(error: Error): void {
    void this.fail(new UploadError('MALFORMED_REQUEST', { cause: error }));
  }

  onFinish(): void {
    void this.completeWhenStored();
  }

  /** Counts one more part; fails the request when that is one too many. */
  private countPart(): boolean {
    this.partCount += 1;
    if (this.partCount <= this.options.limits.parts) return true;
    void this.fail(new UploadError('LIMIT_PARTS', { details: { limit: 'parts', max: this.options.limits.parts } }));
    return false;
  }

  private checkFieldName(name: string, truncated = false): boolean {
    // RFC 7578 §4.2: every part must have a name. A nameless part is what
    // crashed multer (CVE-2025-48997); here it is simply malformed.
    if (name === '') {
      void this.fail(new UploadError('MALFORMED_REQUEST', { message: 'A form part has no field name' }));
      return false;
    }
    const max = this.options.limits.fieldNameSize;
    if (!truncated && (name.length <= max / 3 || Buffer.byteLength(name) <= max)) return true;
    void this.fail(new UploadError('LIMIT_FIELD_NAME_SIZE', { details: { limit: 'fieldNameSize', max } }));
    return false;
  }

  // ---- settling ---------------------------------------------------------

  private async completeWhenStored(): Promise<void> {
    await Promise.all(this.entries.map((entry) => entry.done));
    if (this.failure || this.settled) return;
    this.settled = true;
    this.stopEverything();
    const result = buildResult(this.baseResult(), this.entries, [], 0);
    this.emit('loadend', { requestId: this.requestId, result, error: undefined });
    this.resolveOutcome(result);
  }

  private async fail(error: unknown): Promise<void> {
    if (this.failure || this.settled) return;
    const failure = toUploadError(error);
    this.failure = failure;
    this.options.logger.debug('sluice: upload failed', { requestId: this.requestId, code: failure.code, cause: String(failure.cause ?? '') });
    this.stopEverything();
    this.parser?.destroy();
    // A file whose bytes all arrived may finish storing; the policy below
    // decides whether it stays. Only files still streaming are cut off.
    for (const file of this.entries) file.abort(failure);
    await this.allFilesSettled();

    const { removed, incomplete } = await rollBack(this.entries, failure.code, this.options, (key, reason) => this.emit('message', { requestId: this.requestId, kind: 'fileremoved', key, reason }));
    this.settled = true;
    const result = buildResult(
      this.baseResult(),
      this.entries.filter((entry) => !removed.has(entry)),
      incomplete,
      removed.size,
    );
    failure.result = result;
    this.emit('error', { requestId: this.requestId, error: failure });
    this.emit('loadend', { requestId: this.requestId, result, error: failure });
    this.rejectOutcome(failure);
  }

  /**
   * Waits until no storage write of this request is in flight. A driver that
   * ignores its abort signal must not hang the request forever: after
   * `cleanupTimeoutMs` the request settles anyway and the stuck keys are logged.
   */
  private async allFilesSettled(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.cleanupTimeoutMs)));
    const outcome = await Promise.race([Promise.all(this.entries.map((entry) => entry.done)), gaveUp]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.options.logger.error('sluice: storage did not stop after abort; settling anyway', { requestId: this.requestId, keys: this.entries.map((entry) => entry.key) });
    }
  }

  private stopEverything(): void {
    if (this.requestTimer) clearTimeout(this.requestTimer);
    this.stopIdleTimer();
    this.detachBody();
    this.recorder?.close();
  }

  private baseResult(): Omit<UploadResult, 'files' | 'incomplete'> {
    const endTime = Date.now();
    return {
      requestId: this.requestId,
      fields: this.fields,
      stats: {
        startTime: this.startTime,
        endTime,
        durationMs: endTime - this.startTime,
        bytesReceived: this.bytesReceived,
        bytesWritten: 0,
        chunksReceived: this.chunksReceived,
        filesCompleted: 0,
        filesRemoved: 0,
      },
    };
  }

  /** True when anybody would receive event `name` (lets hot paths skip building it). */
  private wants(name: UploadEventName): boolean {
    return this.input.onEvent !== undefined || this.hub.has(name);
  }

  private emit<E extends UploadEventName>(name: E, event: UploadEventMap[E]): void {
    this.hub.emit(name, event, this.input.onEvent);
  }
}

import type { Readable } from 'node:stream';
import { UploadError } from '../errors/upload-error.js';
import { limitError, type BodyByteLimit } from '../limits/limits.js';
import type { BodyRecorder } from '../logging/body-recorder.js';
import type { PartParser } from '../parser/part-parser.js';

/** The clocks and thresholds of one body read. */
export interface BodyReaderOptions {
  bound: BodyByteLimit;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  progressBytes: number;
  progressChunks: number;
  /** True when the body is Sluice's own wrapper (a Web stream's): it may be destroyed. */
  ownsBody: boolean;
  signal: AbortSignal | undefined;
  recorder: BodyRecorder | undefined;
}

/** What the reader tells the session. */
export interface BodyReaderHooks {
  /** Stop the request with this error (limit, timeout, client gone). */
  fail(error: UploadError): void;
  /** Bytes arrived past a progress threshold, or the body ended. */
  progress(bytesReceived: number, chunksReceived: number): void;
  timeout(kind: 'request' | 'idle', afterMs: number): void;
  /** The client went away (connection closed or signal aborted) before the body ended. */
  abort(bytesReceived: number): void;
}

/**
 * Reads one request body into a parser only as fast as the parser (and, behind
 * it, storage) takes it: the socket is paused while the parser is full and
 * resumed on its drain. It owns the body's byte limit, the request and idle
 * clocks (the idle clock stops while Sluice is the slow party), progress
 * counting, and noticing a client that goes away.
 */
export class BodyReader {
  bytesReceived = 0;
  chunksReceived = 0;
  /** True once the body ended: every byte was read. */
  ended = false;
  private stopped = false;
  private parser: PartParser | undefined;
  private lastProgressBytes = 0;
  private lastProgressChunks = 0;
  private requestTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleTimerStopped = false;

  constructor(
    private readonly body: Readable,
    private readonly options: BodyReaderOptions,
    private readonly hooks: BodyReaderHooks,
  ) {}

  /** Starts the request clock; the idle clock starts with reading ({@link start}): while a parser loads, Sluice is the slow party. */
  startClocks(): void {
    const { requestTimeoutMs } = this.options;
    if (requestTimeoutMs > 0) this.requestTimer = setTimeout(() => this.onTimeout('request', requestTimeoutMs), requestTimeoutMs);
  }

  /** Holds the body while the parser loads, so no chunk flows past unread. */
  hold(): void {
    this.body.pause();
  }

  /** Starts feeding the body into `parser`. */
  start(parser: PartParser): void {
    const { body } = this;
    this.parser = parser;
    parser.onDrain(this.onDrain);
    body.on('data', this.onData);
    body.on('end', this.onEnd);
    body.on('error', this.onClientGone);
    body.on('close', this.onClientGone);
    // The body may have closed while the parser was loading.
    if (body.destroyed && !body.readableEnded) this.onClientGone();
    const { signal } = this.options;
    if (signal?.aborted) this.onSignalAbort();
    else signal?.addEventListener('abort', this.onSignalAbort, { once: true });
    if (this.stopped) return;
    this.armIdleTimer();
    if (body.isPaused()) body.resume();
  }

  /** Stops reading for good: clocks cleared, listeners removed, the body left paused (or destroyed if ours). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.requestTimer);
    this.stopIdleTimer();
    this.options.recorder?.close();
    const { body } = this;
    this.options.signal?.removeEventListener('abort', this.onSignalAbort);
    body.off('data', this.onData);
    body.off('end', this.onEnd);
    body.off('close', this.onClientGone);
    body.off('error', this.onClientGone);
    // Errors after we stopped listening must not become uncaught exceptions.
    body.on('error', () => {});
    if (this.options.ownsBody) body.destroy();
    // A caller-owned body (Node's request) is left paused: the adapter decides
    // whether to drain it so the client sees the response, or to close the socket.
    else if (!this.ended) body.pause();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.stopped) return;
    this.bytesReceived += chunk.length;
    this.chunksReceived += 1;
    const { bound } = this.options;
    if (this.bytesReceived > bound.max) return this.hooks.fail(limitError(bound.limit, bound.max));
    this.options.recorder?.write(chunk);
    if (this.bytesReceived - this.lastProgressBytes >= this.options.progressBytes || this.chunksReceived - this.lastProgressChunks >= this.options.progressChunks) this.reportProgress();
    if (this.parser!.write(chunk)) {
      this.armIdleTimer();
    } else {
      // Storage or the parser is behind: stop reading the socket. The idle
      // clock stops too, because now we are the slow party, not the client.
      this.body.pause();
      this.stopIdleTimer();
    }
  };

  private readonly onDrain = (): void => {
    if (this.stopped || this.ended) return;
    this.armIdleTimer();
    this.body.resume();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.stopIdleTimer();
    this.reportProgress();
    this.parser!.end();
  };

  private readonly onClientGone = (): void => {
    if (this.stopped || this.ended) return;
    this.hooks.abort(this.bytesReceived);
    this.hooks.fail(new UploadError('CLIENT_ABORTED'));
  };

  private readonly onSignalAbort = (): void => {
    if (this.stopped) return;
    this.hooks.abort(this.bytesReceived);
    this.hooks.fail(new UploadError('CLIENT_ABORTED', { cause: this.options.signal?.reason }));
  };

  private onTimeout(kind: 'request' | 'idle', afterMs: number): void {
    if (this.stopped) return;
    this.hooks.timeout(kind, afterMs);
    this.hooks.fail(new UploadError(kind === 'request' ? 'REQUEST_TIMEOUT' : 'IDLE_TIMEOUT', { details: { afterMs } }));
  }

  private reportProgress(): void {
    this.lastProgressBytes = this.bytesReceived;
    this.lastProgressChunks = this.chunksReceived;
    this.hooks.progress(this.bytesReceived, this.chunksReceived);
  }

  /** (Re)starts the idle clock: from now on the client has `idleTimeoutMs` to send the next chunk. */
  private armIdleTimer(): void {
    const { idleTimeoutMs } = this.options;
    if (idleTimeoutMs <= 0) return;
    // refresh() is cheaper than a new timer, but does not revive a cleared one.
    if (this.idleTimer && !this.idleTimerStopped) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => this.onTimeout('idle', idleTimeoutMs), idleTimeoutMs);
    this.idleTimerStopped = false;
  }

  private stopIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimerStopped = true;
  }
}

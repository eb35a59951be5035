import { UploadError } from '../errors/upload-error.js';

/** Live numbers of a memory budget someone else keeps (the S3 driver's `memory`). */
export interface BudgetReading {
  /** The most bytes that may be reserved at once (`Infinity`: no limit). */
  budget: number;
  /** Bytes reserved right now. */
  reserved: number;
  /** Reservations queued behind the budget. */
  waiting: number;
}

/** Options of {@link createLoadGovernor}. */
export interface LoadGovernorOptions {
  /**
   * Bytes of memory this instance commits to uploads at once. Each admitted
   * upload holds `perUploadBytes` of it until it ends; an upload that would
   * not fit is refused. Default: the storage budget's size when `storage` has
   * one, else unlimited (only `maxUploads` and the storage queue then refuse).
   */
  memoryBudget?: number;
  /** Memory one upload may need at the same time (its part buffers). Default 10 MiB (two 5 MiB S3 parts). */
  perUploadBytes?: number;
  /** Most uploads in flight at once; default unlimited. */
  maxUploads?: number;
  /**
   * A driver whose live budget also counts (anything with a `memory` reading,
   * like `s3Storage`): while uploads already queue for its buffers, new ones
   * are refused rather than queued behind them.
   */
  storage?: unknown;
  /** Uploads allowed to wait in the storage's queue before new ones are refused; default 0. */
  maxQueued?: number;
  /** The `Retry-After` seconds a refused client is given; default 5. */
  retryAfterSeconds?: number;
}

/** One admitted upload: report its bytes, release it when it ends (idempotent). */
export interface LoadTicket {
  /** Counts `bytes` more received by this upload (bytes in flight). */
  addBytes(bytes: number): void;
  /** Ends the upload: its reservation and bytes leave the gauges. */
  release(): void;
}

/** A snapshot of an instance's upload load, for a metrics endpoint. */
export interface LoadGauges {
  /** Uploads admitted and not yet ended. */
  uploadsInFlight: number;
  /** Bytes received by the uploads in flight so far. */
  bytesInFlight: number;
  /** The admission budget (`Infinity`: unlimited). */
  budgetBytes: number;
  /** Budget reserved by uploads in flight (`perUploadBytes` each). */
  budgetUsedBytes: number;
  /** `budgetUsedBytes / budgetBytes`, 0 when unlimited. */
  budgetUsedRatio: number;
  /** The storage's own buffer numbers, when it reports them. */
  storage?: BudgetReading;
  /** Uploads admitted since start. */
  admittedTotal: number;
  /** Uploads refused with 503 since start. */
  refusedTotal: number;
}

/** A handler whose events the governor can follow (an upload handler or a tus handler). */
export interface ObservableHandler {
  on(name: 'progress', listener: (event: { requestId: string; bytesReceived: number }) => void): () => void;
  on(name: 'loadend', listener: (event: { requestId: string }) => void): () => void;
}

/** Admission control and gauges for one instance. */
export interface LoadGovernor {
  /**
   * Admits a new upload or throws `UploadError('SERVER_BUSY')` (503, with
   * `details.retryAfter` in seconds for the `Retry-After` header) when the
   * instance's memory budget is full. Never waits: a queue without bound
   * is what back-pressure must prevent.
   */
  admit(): LoadTicket;
  /** The current gauges. */
  gauges(): LoadGauges;
  /**
   * Counts the bytes of `handler`'s requests in `bytesInFlight` from its
   * `progress` events (dropped at `loadend`), for handlers that do not report
   * through a ticket. Returns a function that stops observing.
   */
  observe(handler: ObservableHandler): () => void;
  /** The `Retry-After` seconds refusals carry. */
  readonly retryAfterSeconds: number;
}

function readBudget(storage: unknown): BudgetReading | undefined {
  const memory = (storage as { memory?: Partial<BudgetReading> } | undefined)?.memory;
  if (!memory || typeof memory.budget !== 'number' || typeof memory.reserved !== 'number') return undefined;
  return { budget: memory.budget, reserved: memory.reserved, waiting: memory.waiting ?? 0 };
}

function positive(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!(value === Infinity || (Number.isFinite(value) && value >= min))) throw new RangeError(`load: ${name} must be a number >= ${min} (or Infinity), got ${value}`);
  return value;
}

/**
 * Honest back-pressure for one instance: an upload is admitted only while
 * the instance's memory budget has room for it, and refused at once with 503
 * and `Retry-After` otherwise, so a load balancer or autoscaler sees the
 * instance is full instead of requests piling up in memory.
 */
export function createLoadGovernor(options: LoadGovernorOptions = {}): LoadGovernor {
  const perUploadBytes = positive('perUploadBytes', options.perUploadBytes, 10 * 1024 * 1024, 1);
  const memoryBudget = positive('memoryBudget', options.memoryBudget, readBudget(options.storage)?.budget ?? Infinity, perUploadBytes);
  const maxUploads = positive('maxUploads', options.maxUploads, Infinity, 1);
  const maxQueued = positive('maxQueued', options.maxQueued, 0, 0);
  const retryAfterSeconds = Math.ceil(positive('retryAfterSeconds', options.retryAfterSeconds, 5, 1));
  let uploadsInFlight = 0;
  let bytesInFlight = 0;
  // Bytes seen in the progress events of observed handlers, by request.
  const observed = new Map<string, number>();
  let observedBytes = 0;
  let admittedTotal = 0;
  let refusedTotal = 0;

  const refuse = (reason: string): never => {
    refusedTotal++;
    throw new UploadError('SERVER_BUSY', { details: { retryAfter: retryAfterSeconds, reason } });
  };

  return {
    retryAfterSeconds,
    admit(): LoadTicket {
      if (uploadsInFlight + 1 > maxUploads) refuse('uploads');
      if ((uploadsInFlight + 1) * perUploadBytes > memoryBudget) refuse('memory');
      const storage = readBudget(options.storage);
      if (storage && storage.waiting > maxQueued) refuse('storage-queue');
      uploadsInFlight++;
      admittedTotal++;
      let bytes = 0;
      let released = false;
      return {
        addBytes(more: number) {
          if (released || !(more > 0)) return;
          bytes += more;
          bytesInFlight += more;
        },
        release() {
          if (released) return;
          released = true;
          uploadsInFlight--;
          bytesInFlight -= bytes;
        },
      };
    },
    gauges(): LoadGauges {
      const budgetUsedBytes = uploadsInFlight * perUploadBytes;
      const storage = readBudget(options.storage);
      return {
        uploadsInFlight,
        bytesInFlight: bytesInFlight + observedBytes,
        budgetBytes: memoryBudget,
        budgetUsedBytes,
        budgetUsedRatio: Number.isFinite(memoryBudget) ? budgetUsedBytes / memoryBudget : 0,
        ...(storage ? { storage } : {}),
        admittedTotal,
        refusedTotal,
      };
    },
    observe(handler: ObservableHandler): () => void {
      const stops = [
        handler.on('progress', ({ requestId, bytesReceived }) => {
          observedBytes += bytesReceived - (observed.get(requestId) ?? 0);
          observed.set(requestId, bytesReceived);
        }),
        handler.on('loadend', ({ requestId }) => {
          observedBytes -= observed.get(requestId) ?? 0;
          observed.delete(requestId);
        }),
      ];
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}

/** The headers a refusal needs: `Retry-After` when the error carries `details.retryAfter` (SERVER_BUSY). */
export function retryAfterHeaders(error: { details?: Record<string, unknown> } | undefined): Record<string, string> {
  const seconds = error?.details?.retryAfter;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? { 'Retry-After': String(Math.ceil(seconds)) } : {};
}

import { ERROR_TABLE, type UploadErrorCode } from './error-codes.js';
import type { UploadResult } from '../result/types.js';

/** Options of {@link UploadError} beyond its code. */
export interface UploadErrorOptions {
  /** A client-safe message; defaults to the table's message for the code. */
  message?: string;
  /** The underlying error, kept for logs and never shown to a client. */
  cause?: unknown;
  /** Machine-readable details that are safe to show (e.g. the limit that was hit). */
  details?: Record<string, unknown>;
}

/**
 * The one error type Sluice throws or rejects with. `code` is stable, `status`
 * is the HTTP status to answer, `message` is safe to send to a client, and the
 * real reason (if any) lives in `cause`.
 */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code: UploadErrorCode;
  readonly status: number;
  /** Client-safe details, e.g. `{ limit: 'fileSize', max: 1048576 }`. */
  readonly details: Record<string, unknown>;
  /** Whether `message` may be shown to a client (always true: it comes from us). */
  readonly expose = true;
  /** The partial result at the time of failure, attached by the handler. */
  result?: UploadResult;

  constructor(code: UploadErrorCode, options: UploadErrorOptions = {}) {
    super(options.message ?? ERROR_TABLE[code].message, { cause: options.cause });
    this.code = code;
    this.status = ERROR_TABLE[code].status;
    this.details = options.details ?? {};
  }

  /** Alias of `status`, the name Express, http-errors and many loggers read. */
  get statusCode(): number {
    return this.status;
  }

  /** The JSON body a server sends: `{ error: { code, message, ...details } }`. */
  toJSON(): { error: { code: UploadErrorCode; message: string } & Record<string, unknown> } {
    return { error: { ...this.details, code: this.code, message: this.message } };
  }
}

/** True when `value` is an {@link UploadError}, also across duplicated module copies. */
export function isUploadError(value: unknown): value is UploadError {
  return value instanceof UploadError || (value instanceof Error && value.name === 'UploadError' && 'code' in value && 'status' in value);
}

/**
 * Turns anything thrown into an {@link UploadError}. Unknown errors become
 * `INTERNAL` so that their message (which may hold paths or secrets) never
 * reaches a client; the original stays in `cause`.
 */
export function toUploadError(value: unknown, fallback: UploadErrorCode = 'INTERNAL'): UploadError {
  if (isUploadError(value)) return value;
  return new UploadError(fallback, { cause: value });
}

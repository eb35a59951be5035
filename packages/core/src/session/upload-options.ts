import type { ChecksumAlgorithm } from '../file/checksums.js';
import { CHECKSUM_ALGORITHMS } from '../file/checksums.js';
import type { KeyFunction } from '../naming/key-strategies.js';
import { datedKey } from '../naming/key-strategies.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { StorageDriver } from '../storage/types.js';
import type { LoadGovernor } from '../load/load-governor.js';
import { resolveLimits, type UploadLimits } from '../limits/limits.js';
import { canonicalCharset } from '../parser/multipart/charsets.js';
import { DEFAULT_PARSER_ENGINE, PARSER_ENGINES, type ParserEngine } from '../parser/engines.js';

/** How to accept a raw-body upload: a PUT or POST whose body is the file itself. */
export interface RawUploadOptions {
  /** The field name the file is reported under. Default `file`. */
  field?: string;
  /** The header that carries the (percent-encoded) file name when the route does not. Default `x-file-name`. */
  filenameHeader?: string;
  /** Refuse (400 `FILENAME_REQUIRED`) a raw upload that names no file, instead of giving it a generated name such as `file.pdf`. Default false. */
  requireFilename?: boolean;
}

/** Everything {@link createUploadHandler} accepts. */
export interface UploadOptions<Request = unknown> {
  /** Where files go: `diskStorage(...)`, `memoryStorage()`, `s3Storage(...)` or your own driver. */
  storage: StorageDriver;
  /** Limits enforced while streaming; see {@link UploadLimits} for defaults. */
  limits?: Partial<UploadLimits>;
  /** Decides each file's key. Default `keys.dated()`: `YYYY/MM/<random>-<name>`. */
  key?: KeyFunction<Request>;
  /**
   * Media types accepted, by sniffed type (`image/png`, `image/*`). A file of
   * any other type is refused with 415 before a byte reaches storage.
   * Default: any type.
   */
  allowedTypes?: readonly string[];
  /** Digests to compute while streaming. Default none. */
  checksums?: readonly ChecksumAlgorithm[];
  /** Remove partial files when a request fails (formaline). Default true. */
  removeIncompleteFiles?: boolean;
  /**
   * Keep files that completed before a request failed. Default false: a failed
   * request stores nothing (all-or-nothing).
   */
  keepCompletedOnFailure?: boolean;
  /** Emit `progress` every `bytes` bytes or every `chunks` chunks, whichever comes first. Default 1 MiB. */
  progress?: { bytes?: number; chunks?: number };
  /** The whole request must finish within this time (formaline's `requestTimeOut`). Default 120 000 ms; 0 turns it off. */
  requestTimeoutMs?: number;
  /** The gap between two body chunks may not exceed this. Default 30 000 ms; 0 turns it off. */
  idleTimeoutMs?: number;
  /**
   * After a failure, how long to wait for storage writes to stop before the
   * request settles anyway (a driver that ignores its abort signal must not
   * hang the request). Default 30 000 ms.
   */
  cleanupTimeoutMs?: number;
  /** Accept `application/x-www-form-urlencoded` bodies (fields only). Default true. */
  urlencoded?: boolean;
  /**
   * The charset of file and field names (and of text fields without a
   * charset) that are not valid UTF-8, when the form sends no `_charset_`
   * field: the encoding of your legacy pages (a WHATWG label such as
   * `windows-1252`, `shift_jis`). Default `windows-1252`. Multipart, default engine.
   */
  defaultCharset?: string;
  /**
   * The multipart parser: `sluice` (default, Sluice's own) or `busboy`. Both
   * enforce the same limits with the same codes; see docs/benchmarks.md for
   * how they differ in speed. Only the selected one is loaded, on the first
   * body. Urlencoded bodies are parsed by busboy under either.
   */
  parser?: ParserEngine;
  /** Accept raw-body uploads; off by default. */
  rawUpload?: boolean | RawUploadOptions;
  /** Where Sluice logs. Default: silent. */
  logger?: Logger;
  /**
   * Write every raw request body to this directory (formaline's `record`), for
   * debugging a client. Off by default. The files hold everything the client
   * sent, including personal data and credentials in fields: keep them private
   * and delete them.
   */
  record?: { dir: string };
  /**
   * Back-pressure: each request is admitted through this governor and refused
   * with 503 `SERVER_BUSY` + `Retry-After` when the instance is full, instead
   * of queueing. Default none. See `createLoadGovernor`.
   */
  load?: LoadGovernor;
}

/** Options with every default filled in. */
export interface ResolvedUploadOptions<Request = unknown> {
  storage: StorageDriver;
  limits: UploadLimits;
  key: KeyFunction<Request>;
  allowedTypes: readonly string[] | undefined;
  checksums: readonly ChecksumAlgorithm[];
  removeIncompleteFiles: boolean;
  keepCompletedOnFailure: boolean;
  progressBytes: number;
  progressChunks: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  cleanupTimeoutMs: number;
  urlencoded: boolean;
  defaultCharset: string | undefined;
  parser: ParserEngine;
  rawUpload: Required<RawUploadOptions> | undefined;
  logger: Logger;
  recordDir: string | undefined;
  load: LoadGovernor | undefined;
}

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`sluice: ${name} must be a number of milliseconds >= 0`);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new TypeError(`sluice: ${name} must be > 0`);
  return value;
}

function checkCharset(label: string | undefined): string | undefined {
  if (label !== undefined && canonicalCharset(label) === undefined) throw new TypeError(`sluice: defaultCharset ${JSON.stringify(label)} is not a charset this Node can decode`);
  return label;
}

/** Validates options once, at start-up, so that mistakes fail loudly before the first request. */
export function resolveOptions<Request>(options: UploadOptions<Request>): ResolvedUploadOptions<Request> {
  if (!options || typeof options !== 'object') throw new TypeError('sluice: options are required');
  const { storage } = options;
  if (!storage || typeof storage.put !== 'function' || typeof storage.remove !== 'function') {
    throw new TypeError('sluice: options.storage must be a storage driver (put and remove)');
  }
  for (const algorithm of options.checksums ?? []) {
    if (!CHECKSUM_ALGORITHMS.includes(algorithm)) throw new TypeError(`sluice: unknown checksum "${String(algorithm)}"; use ${CHECKSUM_ALGORITHMS.join(', ')}`);
  }
  if (options.allowedTypes !== undefined && (!Array.isArray(options.allowedTypes) || options.allowedTypes.some((type) => typeof type !== 'string' || (!type.includes('/') && type !== '*')))) {
    throw new TypeError('sluice: allowedTypes must be media types such as "image/png" or "image/*"');
  }
  if (options.parser !== undefined && !PARSER_ENGINES.includes(options.parser)) {
    throw new TypeError(`sluice: parser must be one of ${PARSER_ENGINES.join(', ')}`);
  }
  const raw = options.rawUpload === true ? {} : options.rawUpload || undefined;
  return {
    storage,
    limits: resolveLimits(options.limits),
    key: options.key ?? (datedKey() as KeyFunction<Request>),
    allowedTypes: options.allowedTypes,
    checksums: [...new Set(options.checksums ?? [])],
    removeIncompleteFiles: options.removeIncompleteFiles ?? true,
    keepCompletedOnFailure: options.keepCompletedOnFailure ?? false,
    progressBytes: positive('progress.bytes', options.progress?.bytes, options.progress?.chunks ? Infinity : 1024 * 1024),
    progressChunks: positive('progress.chunks', options.progress?.chunks, Infinity),
    requestTimeoutMs: duration('requestTimeoutMs', options.requestTimeoutMs, 120_000),
    idleTimeoutMs: duration('idleTimeoutMs', options.idleTimeoutMs, 30_000),
    cleanupTimeoutMs: duration('cleanupTimeoutMs', options.cleanupTimeoutMs, 30_000),
    urlencoded: options.urlencoded ?? true,
    defaultCharset: checkCharset(options.defaultCharset),
    parser: options.parser ?? DEFAULT_PARSER_ENGINE,
    rawUpload: raw ? { field: raw.field ?? 'file', filenameHeader: (raw.filenameHeader ?? 'x-file-name').toLowerCase(), requireFilename: raw.requireFilename ?? false } : undefined,
    logger: options.logger ?? silentLogger,
    recordDir: options.record?.dir,
    load: options.load,
  };
}

import { silentLogger, type Logger } from '../logging/logger.js';
import { datedKey, type KeyFunction } from '../naming/key-strategies.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../file/checksums.js';
import { memoryLocker } from '../lock/memory-locker.js';
import type { UploadLocker } from '../lock/types.js';
import type { LoadGovernor } from '../load/load-governor.js';
import type { StoredFile } from '../result/types.js';
import { normaliseMountPath } from './exchange.js';
import type { ResumableStore } from './store-types.js';
import type { TusOptions } from './types.js';

const MiB = 1024 * 1024;

/** {@link TusOptions} with defaults filled in. */
export interface ResolvedTusOptions<Request> {
  store: ResumableStore;
  mount: string;
  maxFileSize: number;
  allowedTypes: readonly string[] | undefined;
  key: KeyFunction<Request>;
  checksums: readonly ChecksumAlgorithm[];
  expiresAfterMs: number;
  locker: UploadLocker;
  load: LoadGovernor | undefined;
  cors: { origin: string } | undefined;
  idleTimeoutMs: number;
  progressBytes: number;
  logger: Logger;
  onComplete: ((file: StoredFile, request: Request | undefined) => void | Promise<void>) | undefined;
}

/** Checks options once, at creation, so mistakes fail at start-up. */
export function resolveTusOptions<Request>(options: TusOptions<Request>): ResolvedTusOptions<Request> {
  if (!options?.store || typeof options.store.append !== 'function') throw new TypeError('createTusHandler: store must be a ResumableStore');
  if (typeof options.path !== 'string') throw new TypeError('createTusHandler: path is required (e.g. "/tus")');
  const maxFileSize = options.limits?.fileSize ?? 100 * MiB;
  if (!Number.isSafeInteger(maxFileSize) || maxFileSize < 0) throw new TypeError('createTusHandler: limits.fileSize must be a whole number >= 0');
  const expiresAfterMs = options.expiresAfterMs ?? 24 * 60 * 60 * 1000;
  if (!(expiresAfterMs > 0)) throw new TypeError('createTusHandler: expiresAfterMs must be > 0');
  for (const algorithm of options.checksums ?? []) {
    if (!CHECKSUM_ALGORITHMS.includes(algorithm)) throw new TypeError(`createTusHandler: unknown checksum ${String(algorithm)}`);
  }
  const cors = options.cors === true ? { origin: '*' } : options.cors ? { origin: options.cors.origin ?? '*' } : undefined;
  return {
    store: options.store,
    mount: normaliseMountPath(options.path),
    maxFileSize,
    allowedTypes: options.allowedTypes,
    key: options.key ?? (datedKey() as KeyFunction<Request>),
    checksums: options.checksums ?? [],
    expiresAfterMs,
    locker: options.locker ?? memoryLocker(),
    load: options.load,
    cors,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    progressBytes: options.progressBytes ?? MiB,
    logger: options.logger ?? silentLogger,
    onComplete: options.onComplete,
  };
}

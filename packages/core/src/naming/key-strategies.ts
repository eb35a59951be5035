import { randomBytes } from 'node:crypto';
import { safeExtension } from './sanitize-filename.js';

/** What a key function is told about a file. */
export interface KeyContext<Request = unknown> {
  /** The form field. */
  field: string;
  /** The client's file name (raw: never build a path from it). */
  name: string;
  /** The sanitized file name. */
  safeName: string;
  /** The effective media type. */
  type: string;
  /** The id of the request (also in every event). */
  requestId: string;
  /** Whatever the adapter passed as `request` (e.g. the Express `req`). */
  request: Request;
  /** When the request started. */
  now: Date;
}

/** Decides the storage key of a file. May be async (e.g. to look up a user). */
export type KeyFunction<Request = unknown> = (context: KeyContext<Request>) => string | Promise<string>;

// One CSPRNG call per 256 ids instead of one per id (the call, not the bytes,
// is what costs: ~7 µs per file measured in bench/src/profile/per-file-costs.ts).
const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** 16 random bytes from the OS CSPRNG as 32 hex digits: collisions are out of reach, guessing too. */
export function randomId(): string {
  if (poolOffset >= pool.length) {
    pool = randomBytes(16 * POOL_IDS);
    poolOffset = 0;
  }
  const id = pool.toString('hex', poolOffset, poolOffset + 16);
  poolOffset += 16;
  return id;
}

function joinKey(...parts: Array<string | undefined>): string {
  return parts
    .filter((part): part is string => part !== undefined && part !== '')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
}

/** Options of {@link datedKey}. */
export interface DatedKeyOptions {
  /** A folder in front of every key, e.g. `uploads`. */
  prefix?: string;
}

/**
 * The default: `<prefix>/YYYY/MM/<random hex>-<sanitized name>` (UTC dates), the
 * layout of the blog post Sluice descends from. Readable in a bucket listing,
 * unique by construction.
 */
export function datedKey(options: DatedKeyOptions = {}): KeyFunction {
  return ({ now, safeName }) => {
    const year = String(now.getUTCFullYear());
    const month = String(now.getUTCMonth() + 1).padStart(2, '0');
    return joinKey(options.prefix, year, month, `${randomId()}-${safeName}`);
  };
}

/** Options of {@link randomKey}. */
export interface RandomKeyOptions {
  prefix?: string;
  /** Keep the original extension (formaline's `holdFilesExtensions`). Default: true. */
  keepExtension?: boolean;
}

/** `<prefix>/<random hex>[.ext]`: names that reveal nothing about the upload. */
export function randomKey(options: RandomKeyOptions = {}): KeyFunction {
  return ({ safeName }) => joinKey(options.prefix, randomId() + (options.keepExtension === false ? '' : safeExtension(safeName)));
}

/**
 * Puts every file of a session under its own folder (formaline's per-user
 * folders): `<session id>/<key from inner>`. The session id is sanitized into
 * one path segment; a missing id is refused rather than silently shared.
 */
export function sessionKey<Request = unknown>(
  getSessionId: (request: Request) => string | undefined | Promise<string | undefined>,
  inner: KeyFunction<Request> = datedKey() as KeyFunction<Request>,
): KeyFunction<Request> {
  return async (context) => {
    const raw = await getSessionId(context.request);
    const id = raw?.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128);
    if (!id || /^_+$/.test(id)) throw new Error('sessionKey: no usable session id for this request');
    return joinKey(id, await inner(context));
  };
}

/** The built-in key strategies. */
export const keys = { dated: datedKey, random: randomKey, session: sessionKey };

import path from 'node:path';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '@sluice/core';
import { type ClusterConfig, readClusterConfig } from './cluster.js';
import { parseSize } from './sizes.js';

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Where the demo stores files. */
export type StorageConfig =
  | { kind: 'disk'; dir: string }
  | { kind: 'memory' }
  | { kind: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle: boolean; accessKeyId?: string; secretAccessKey?: string; createBucket: boolean };

/** Everything the demos read from the environment. */
export interface DemoConfig {
  port: number;
  host: string;
  storage: StorageConfig;
  limits: { fileSize: number; totalSize: number; files: number; fields: number; fieldSize: number; parts: number };
  requestTimeoutMs: number;
  /** Accepted media types; `undefined`: anything except active content (HTML, SVG, XML, JS). */
  allowedTypes: string[] | undefined;
  checksums: ChecksumAlgorithm[];
  /** Running as one of several instances (`REDIS_URL`, `LOCK_TTL_MS`) and admission limits (`MEMORY_BUDGET`, `MAX_UPLOADS`); unset for a lone instance. */
  cluster?: ClusterConfig;
}

/** The environment variables as one object (`process.env` fits). */
export type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function size(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const bytes = parseSize(raw);
  if (bytes === undefined) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a size: use bytes (1048576) or a unit (10MiB, 500KB)`);
  return bytes;
}

function count(env: Env, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not true or false`);
}

function list(env: Env, name: string): string[] | undefined {
  const raw = read(env, name);
  return raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}

function storage(env: Env): StorageConfig {
  const kind = read(env, 'STORAGE') ?? 'disk';
  if (kind === 'memory') return { kind };
  if (kind === 'disk') {
    // Relative to where `pnpm demo` was typed (pnpm sets INIT_CWD), not the app's folder.
    const base = read(env, 'INIT_CWD') ?? process.cwd();
    return { kind, dir: path.resolve(base, read(env, 'UPLOAD_DIR') ?? './uploads') };
  }
  if (kind === 's3') {
    const bucket = read(env, 'S3_BUCKET');
    if (!bucket) throw new ConfigError('S3_BUCKET is required when STORAGE=s3');
    const endpoint = read(env, 'S3_ENDPOINT');
    if (endpoint !== undefined && !URL.canParse(endpoint)) throw new ConfigError(`S3_ENDPOINT=${JSON.stringify(endpoint)} is not a URL`);
    const accessKeyId = read(env, 'AWS_ACCESS_KEY_ID');
    const secretAccessKey = read(env, 'AWS_SECRET_ACCESS_KEY');
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
      throw new ConfigError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
    }
    return {
      kind,
      bucket,
      region: read(env, 'S3_REGION') ?? 'us-east-1',
      endpoint,
      forcePathStyle: flag(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
      accessKeyId,
      secretAccessKey,
      createBucket: flag(env, 'S3_CREATE_BUCKET', false),
    };
  }
  throw new ConfigError(`STORAGE=${JSON.stringify(kind)} is not one of disk, memory, s3`);
}

function allowedTypes(env: Env): string[] | undefined {
  const types = list(env, 'ALLOWED_TYPES');
  for (const type of types ?? []) {
    if (type !== '*' && !/^[\w.+-]+\/(\*|[\w.+-]+)$/.test(type)) throw new ConfigError(`ALLOWED_TYPES: ${JSON.stringify(type)} is not a media type such as image/png or image/*`);
  }
  return types;
}

function checksums(env: Env): ChecksumAlgorithm[] {
  const names = list(env, 'CHECKSUM') ?? ['sha256'];
  if (names.length === 1 && names[0]!.toLowerCase() === 'none') return [];
  return names.map((name) => {
    const algorithm = name.toLowerCase() as ChecksumAlgorithm;
    if (!CHECKSUM_ALGORITHMS.includes(algorithm)) throw new ConfigError(`CHECKSUM: ${JSON.stringify(name)} is not one of ${CHECKSUM_ALGORITHMS.join(', ')}, none`);
    return algorithm;
  });
}

/**
 * Reads the demo's configuration from `env`. Every value is checked here, so a
 * typo stops start-up with a {@link ConfigError} naming the variable instead
 * of surfacing on the first upload.
 */
export function loadConfig(env: Env): DemoConfig {
  return {
    port: count(env, 'PORT', 3000, { max: 65535 }),
    host: read(env, 'HOST') ?? '127.0.0.1',
    storage: storage(env),
    limits: {
      fileSize: size(env, 'MAX_FILE_SIZE', 10 * 1024 ** 2),
      totalSize: size(env, 'MAX_TOTAL_SIZE', 100 * 1024 ** 2),
      files: count(env, 'MAX_FILES', 20),
      fields: count(env, 'MAX_FIELDS', 100),
      fieldSize: size(env, 'MAX_FIELD_SIZE', 64 * 1024),
      parts: count(env, 'MAX_PARTS', 200),
    },
    requestTimeoutMs: count(env, 'REQUEST_TIMEOUT_MS', 120_000, { min: 1 }),
    allowedTypes: allowedTypes(env),
    checksums: checksums(env),
    cluster: readClusterConfig(env),
  };
}

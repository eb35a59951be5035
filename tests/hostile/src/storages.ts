import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListMultipartUploadsCommand, AbortMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { diskStorage, keys, memoryStorage, type KeyFunction, type StorageDriver } from '@sluice/core';
import { s3Storage } from '@sluice/core/s3';
import type { S3Connection } from '@sluice/s3-rig';

export type StorageKind = 'memory' | 'disk' | 's3';

/** One case's storage, seen from outside the server. */
export interface StorageSubject {
  kind: StorageKind;
  driver: StorageDriver;
  /** The key function the handler uses (dated keys, under a per-case prefix on S3). */
  key: KeyFunction | undefined;
  /** What every key starts with ('' for a fresh memory or disk store). */
  prefix: string;
  /** Complete stored objects. */
  keys(): Promise<string[]>;
  read(key: string): Promise<Buffer | undefined>;
  /**
   * Everything a refused request may have left: objects, partial files
   * (`.partial`), files written outside the root, pending S3 multipart uploads.
   */
  leftovers(): Promise<string[]>;
  /** S3 only: names of the commands the driver sent, e.g. to see that a multipart upload really started. */
  commands: string[];
  dispose(): Promise<void>;
}

/** Creates one case's storage. */
export type StorageFactory = () => Promise<StorageSubject>;

export function memoryFactory(): StorageFactory {
  return async () => {
    const storage = memoryStorage();
    return {
      kind: 'memory',
      driver: storage,
      key: undefined,
      prefix: '',
      keys: async () => storage.keys(),
      read: async (key) => storage.read(key),
      leftovers: async () => storage.keys(),
      commands: [],
      dispose: async () => storage.clear(),
    };
  };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/**
 * A fresh directory per case: `<case>/root` is the driver's root, so a file
 * written next to it (a path that escaped the root) is seen too.
 */
export function diskFactory(): StorageFactory {
  return async () => {
    const caseDir = await mkdtemp(path.join(tmpdir(), 'sluice-hostile-'));
    const root = path.join(caseDir, 'root');
    await mkdir(root);
    const storage = diskStorage({ root });
    return {
      kind: 'disk',
      driver: storage,
      key: undefined,
      prefix: '',
      keys: async () => (await walk(root)).filter((key) => !key.endsWith('.partial')),
      read: (key) => readFile(storage.pathOf(key)).catch(() => undefined),
      leftovers: async () => (await walk(caseDir)).map((file) => (file.startsWith('root/') ? file.slice('root/'.length) : `OUTSIDE THE ROOT: ${file}`)),
      commands: [],
      dispose: () => rm(caseDir, { recursive: true, force: true }),
    };
  };
}

function s3ClientOf(s3: S3Connection): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // radosgw refuses stream bodies (411) with the SDK's newer checksum default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function pendingUploads(client: S3Client, bucket: string, prefix: string): Promise<Array<{ Key: string; UploadId: string }>> {
  const found: Array<{ Key: string; UploadId: string }> = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) found.push({ Key: upload.Key!, UploadId: upload.UploadId! });
    if (!page.IsTruncated || (page.NextKeyMarker === undefined && page.NextUploadIdMarker === undefined)) return found;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** A bucket shared by one test file; each case works under its own prefix in it. */
export interface S3Bucket {
  factory: StorageFactory;
  /** Deletes whatever is left and the bucket (if this file created it). */
  cleanup(): Promise<void>;
}

/**
 * Creates a bucket for one test file (or uses `S3_BUCKET` when the connection
 * names one) on the server the S3 global setup provided.
 */
export async function s3Bucket(s3: S3Connection, label: string): Promise<S3Bucket> {
  const admin = s3ClientOf(s3);
  const shared = s3.bucket;
  const bucket = shared ?? `sluice-hostile-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  const root = shared ? `hostile-${randomBytes(4).toString('hex')}/` : '';
  if (!shared) await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  const factory: StorageFactory = async () => {
    const prefix = `${root}c-${randomBytes(6).toString('hex')}`;
    const client = s3ClientOf(s3);
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'hostileRecordCommands' },
    );
    const storage = s3Storage({ bucket, client });
    const listKeys = async (): Promise<string[]> => {
      const found: string[] = [];
      for await (const object of storage.list(`${prefix}/`)) found.push(object.key);
      return found;
    };
    return {
      kind: 's3',
      driver: storage,
      key: keys.dated({ prefix }),
      prefix: `${prefix}/`,
      keys: listKeys,
      read: async (key) => {
        const object = await storage.get(key);
        if (!object) return undefined;
        const chunks: Buffer[] = [];
        for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Uint8Array));
        return Buffer.concat(chunks);
      },
      leftovers: async () => [...(await listKeys()), ...(await pendingUploads(admin, bucket, `${prefix}/`)).map((upload) => `pending multipart upload: ${upload.Key}`)],
      commands,
      dispose: async () => {
        for (const key of await listKeys()) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        client.destroy();
      },
    };
  };
  return {
    factory,
    async cleanup() {
      for (const upload of await pendingUploads(admin, bucket, root)) {
        await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      }
      if (!shared) await admin.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      admin.destroy();
    },
  };
}

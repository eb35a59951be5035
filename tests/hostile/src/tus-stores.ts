import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { keys, memoryStorage, type KeyFunction } from '@sluice/core';
import { s3Resumable } from '@sluice/core/s3';
import { diskResumable, memoryResumable, type ResumableStore } from '@sluice/core/tus';
import { createSpace } from '@sluice/s3-rig';

/** The resumable stores the tus rows run against. */
export type TusStoreKind = 'memory' | 'disk' | 's3';

/** One row's resumable store, seen from outside the handler. */
export interface TusStoreSubject {
  kind: TusStoreKind;
  store: ResumableStore;
  /** The key function the handler uses (dated keys; under the row's prefix on S3). */
  key: KeyFunction | undefined;
  /** What every final key starts with, before `YYYY/MM/`. */
  keyPrefix: string;
  /**
   * The bytes physically held for an incomplete upload, read past the store's
   * own bookkeeping where the medium allows: the whole data file on disk, the
   * tail object on S3 (whose size is what S3 holds, not what the info object
   * says), the bytes up to the offset in memory. `undefined` when the store
   * holds no state for `id`.
   */
  stored(id: string): Promise<Buffer | undefined>;
  /**
   * How many bytes the medium holds for an incomplete upload, also once S3
   * parts exist: the sizes S3 lists for the multipart upload plus the tail
   * object's size. `undefined` when the store holds no state for `id`.
   */
  storedSize(id: string): Promise<number | undefined>;
  /** A completed upload's final object, or `undefined`. */
  readFinal(key: string): Promise<Buffer | undefined>;
  /**
   * Everything in storage: upload state, partial bytes, final objects, files
   * next to the disk root, S3 objects and pending multipart uploads.
   */
  leftovers(): Promise<string[]>;
  dispose(): Promise<void>;
}

/** Creates one row's store. */
export type TusStoreFactory = () => Promise<TusStoreSubject>;

async function streamToBuffer(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** `memoryResumable()` with its own memory storage for completed files. */
export function memoryTusFactory(): TusStoreFactory {
  return async () => {
    const storage = memoryStorage();
    const store = memoryResumable({ storage });
    return {
      kind: 'memory',
      store,
      key: undefined,
      keyPrefix: '',
      stored: async (id) => ((await store.getInfo(id)) ? store.readHead(id, Number.MAX_SAFE_INTEGER) : undefined),
      storedSize: async (id) => ((await store.getInfo(id)) ? (await store.readHead(id, Number.MAX_SAFE_INTEGER)).length : undefined),
      readFinal: async (key) => storage.read(key),
      leftovers: async () => {
        const found: string[] = [];
        for await (const entry of store.list()) found.push(`upload ${entry.id}`);
        return [...found, ...storage.keys()];
      },
      dispose: async () => storage.clear(),
    };
  };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** `diskResumable({ root })` in a fresh `<case>/root`, so a file written next to the root is seen too. */
export function diskTusFactory(): TusStoreFactory {
  return async () => {
    const caseDir = await mkdtemp(path.join(tmpdir(), 'sluice-hostile-tus-'));
    const root = path.join(caseDir, 'root');
    await mkdir(root);
    const store = diskResumable({ root });
    return {
      kind: 'disk',
      store,
      key: undefined,
      keyPrefix: '',
      stored: async (id) => ((await store.getInfo(id)) ? readFile(path.join(root, '.tus', `${id}.data.partial`)) : undefined),
      storedSize: async (id) => ((await store.getInfo(id)) ? (await stat(path.join(root, '.tus', `${id}.data.partial`))).size : undefined),
      readFinal: (key) => readFile(path.join(root, key)).catch(() => undefined),
      leftovers: async () => (await walk(caseDir)).map((file) => (file.startsWith('root/') ? file.slice('root/'.length) : `OUTSIDE THE ROOT: ${file}`)),
      dispose: () => rm(caseDir, { recursive: true, force: true }),
    };
  };
}

/**
 * `s3Resumable` in a space of its own from `@sluice/s3-rig` (a bucket, or a
 * prefix of S3_BUCKET): state under `<prefix>.tus/`, final objects under
 * `<prefix>files/`. Leftovers are listed by the rig, not by the store.
 */
export function s3TusFactory(): TusStoreFactory {
  return async () => {
    const space = await createSpace('tus');
    const statePrefix = `${space.prefix}.tus/`;
    const store = s3Resumable({ bucket: space.bucket, client: space.client, statePrefix });
    const getObject = async (key: string): Promise<Buffer | undefined> => {
      try {
        const out = await space.client.send(new GetObjectCommand({ Bucket: space.bucket, Key: key }));
        return await streamToBuffer(out.Body as AsyncIterable<unknown>);
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    };
    type S3State = { key?: string; s3: { uploadId?: string; parts: unknown[]; tail?: { n: number } } };
    const stateOf = async (id: string): Promise<S3State | undefined> => {
      const raw = await getObject(`${statePrefix}${id}.info`);
      return raw ? (JSON.parse(raw.toString('utf8')) as S3State) : undefined;
    };
    return {
      kind: 's3',
      store,
      key: keys.dated({ prefix: `${space.prefix}files` }),
      keyPrefix: `${space.prefix}files/`,
      async stored(id) {
        const s3 = (await stateOf(id))?.s3;
        if (!s3) return undefined;
        // The rows stay far below a 5 MiB part: every stored byte is in the tail object.
        if (s3.parts.length > 0) throw new Error('the tus rows expect no S3 part');
        if (!s3.tail) return Buffer.alloc(0);
        return (await getObject(`${statePrefix}${id}.partial.${s3.tail.n}`)) ?? Buffer.from('TAIL OBJECT MISSING');
      },
      async storedSize(id) {
        const state = await stateOf(id);
        if (!state) return undefined;
        let size = 0;
        if (state.s3.uploadId !== undefined) {
          // One page is enough: the rows stay far below 1000 parts.
          const page = await space.client.send(new ListPartsCommand({ Bucket: space.bucket, Key: state.key, UploadId: state.s3.uploadId, MaxParts: 1000 }));
          if (page.IsTruncated && (page.Parts?.length ?? 0) >= 1000) throw new Error('the tus rows expect fewer than 1000 S3 parts');
          for (const part of page.Parts ?? []) size += part.Size ?? 0;
        }
        if (state.s3.tail) {
          const tail = await space.client.send(new HeadObjectCommand({ Bucket: space.bucket, Key: `${statePrefix}${id}.partial.${state.s3.tail.n}` }));
          size += tail.ContentLength ?? 0;
        }
        return size;
      },
      readFinal: getObject,
      leftovers: () => space.leftovers(),
      dispose: () => space.cleanup(),
    };
  };
}

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveKeyPath } from './key-path.js';
import { loadNodeFs } from './node-fs.js';
import type { PutOptions, PutResult, StorageDriver, StoredObjectBody, StoredObjectInfo } from './types.js';

/** Options of {@link diskStorage}. */
export interface DiskStorageOptions {
  /** The directory every key lives under. Created on the first write. */
  root: string;
  /** Flush file data to the device before reporting a file stored. Default: false. */
  fsync?: boolean;
}

/** Suffix of in-progress files; {@link DiskStorage.list} never shows them. */
export const PARTIAL_SUFFIX = '.partial';

/** Bytes a file's write stream buffers before it asks its source to wait. */
const WRITE_BUFFER_BYTES = 256 * 1024;

/** The disk driver, with the resolved root. */
export interface DiskStorage extends StorageDriver {
  /** The absolute root directory. */
  readonly root: string;
  /** The absolute path a key is stored at (throws for an unsafe key). */
  pathOf(key: string): string;
}

/**
 * Stores files under one root directory. Each file is written to a hidden
 * sibling name and renamed into place only when complete, so a reader never
 * sees half a file and a crash leaves only `*.partial` litter, never a
 * truncated file under a real key.
 */
export function diskStorage(options: DiskStorageOptions): DiskStorage {
  const root = path.resolve(options.root);

  async function put(key: string, body: Readable, { signal, keepPartial }: PutOptions): Promise<PutResult> {
    const target = resolveKeyPath(root, key);
    const partial = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`);
    const { fs, fsp } = await loadNodeFs();
    try {
      signal.throwIfAborted();
      await fsp.mkdir(path.dirname(target), { recursive: true });
      // 'wx': never write through an existing file or symlink at the partial name.
      // A 256 KiB write buffer instead of the default 16 KiB: each 64 KiB socket
      // chunk no longer pauses the whole chain back to the socket, and chunks
      // that queue up behind a slow write go out in one writev. Measured over
      // HTTP: ~10-15% less CPU per GiB; memory stays bounded per file.
      const out = fs.createWriteStream(partial, { flags: 'wx', flush: options.fsync === true, highWaterMark: WRITE_BUFFER_BYTES });
      await pipeline(body, out, { signal });
      await fsp.rename(partial, target);
      return { size: out.bytesWritten, location: target };
    } catch (error) {
      body.destroy();
      if (keepPartial) await fsp.rename(partial, target).catch(() => fsp.unlink(partial).catch(() => {}));
      else await fsp.unlink(partial).catch(() => {});
      throw error;
    }
  }

  async function remove(key: string): Promise<void> {
    const { fsp } = await loadNodeFs();
    await fsp.unlink(resolveKeyPath(root, key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async function get(key: string): Promise<StoredObjectBody | undefined> {
    const file = resolveKeyPath(root, key);
    const { fs, fsp } = await loadNodeFs();
    const info = await fsp.stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { body: fs.createReadStream(file), size: info.size, lastModified: info.mtime };
  }

  async function* list(prefix = ''): AsyncIterable<StoredObjectInfo> {
    const { fsp } = await loadNodeFs();
    const entries = await fsp.readdir(root, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.endsWith(PARTIAL_SUFFIX)) continue;
      const full = path.join(entry.parentPath, entry.name);
      const key = path.relative(root, full).split(path.sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await fsp.stat(full).catch(() => undefined);
      if (info) yield { key, size: info.size, lastModified: info.mtime };
    }
  }

  return { name: 'disk', root, pathOf: (key) => resolveKeyPath(root, key), put, remove, get, list };
}

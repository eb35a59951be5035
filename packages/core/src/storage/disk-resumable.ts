import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import type { AppendOptions, NewResumableUpload, ResumableInfo, ResumableListEntry, ResumableStore } from '../tus/store-types.js';
import { checkWriter, nextFence } from '../tus/store-checks.js';
import { resolveKeyPath } from './key-path.js';
import { PARTIAL_SUFFIX } from './disk-storage.js';

/** The folder under the root that holds resumable state and bytes. */
export const RESUMABLE_DIR = '.tus';
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Options of {@link diskResumable}. */
export interface DiskResumableOptions {
  /** The same root as the `diskStorage` that serves the files: completed uploads land there under their key. */
  root: string;
  /** Flush data and state to the device before acknowledging. Default false. */
  fsync?: boolean;
}

/** The disk resumable store, with its resolved root. */
export interface DiskResumable extends ResumableStore {
  readonly root: string;
}

/**
 * Keeps resumable uploads on disk inside `root` (no temporary directory):
 * `<root>/.tus/<id>.info.partial` (the state as JSON, replaced atomically by
 * rename) and `<root>/.tus/<id>.data.partial` (the bytes, written in place at
 * the offset). The `.partial` suffix keeps both out of `diskStorage().list()`.
 * The state's offset is the truth: bytes past it (a crash after a write and
 * before the state was saved) are overwritten by the next append. On
 * completion the data file is renamed to the key's path, where `diskStorage`
 * serves it.
 */
export function diskResumable(options: DiskResumableOptions): DiskResumable {
  const root = path.resolve(options.root);
  const dir = path.join(root, RESUMABLE_DIR);
  const flush = options.fsync === true;
  const pathOf = (id: string, kind: 'info' | 'data'): string => {
    if (!SAFE_ID.test(id)) throw new Error(`unsafe resumable upload id: ${JSON.stringify(id)}`);
    return path.join(dir, `${id}.${kind}${PARTIAL_SUFFIX}`);
  };

  async function readInfo(id: string): Promise<ResumableInfo | undefined> {
    try {
      return JSON.parse(await readFile(pathOf(id, 'info'), 'utf8')) as ResumableInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function mustRead(id: string): Promise<ResumableInfo> {
    const info = await readInfo(id);
    if (!info) throw new Error(`resumable upload ${id} not found`);
    return info;
  }

  /** Replaces the state atomically: a reader sees the old or the new JSON, never half of one. */
  async function writeInfo(info: ResumableInfo): Promise<ResumableInfo> {
    const target = pathOf(info.id, 'info');
    const next = path.join(dir, `${info.id}.${randomBytes(6).toString('hex')}.next${PARTIAL_SUFFIX}`);
    await writeFile(next, JSON.stringify(info), { flag: 'wx', flush });
    await rename(next, target);
    return info;
  }

  return {
    name: 'disk',
    root,
    async create(upload: NewResumableUpload) {
      await mkdir(dir, { recursive: true });
      await writeFile(pathOf(upload.id, 'data'), '', { flag: 'wx' });
      return writeInfo({ ...upload, offset: 0 });
    },
    getInfo: readInfo,
    async update(id, changes) {
      return writeInfo({ ...(await mustRead(id)), ...changes });
    },
    async append(id: string, body: Readable, { offset, lease, verify }: AppendOptions) {
      const info = await mustRead(id);
      checkWriter(info, lease, offset);
      const out = createWriteStream(pathOf(id, 'data'), { flags: 'r+', start: offset, flush, highWaterMark: 256 * 1024 });
      let failure: unknown;
      try {
        // Not pipeline(): a failing body would destroy the file stream and drop
        // the bytes it still buffers; here they are flushed before the state is saved.
        for await (const chunk of body) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
      } catch (error) {
        failure = error;
        body.destroy();
      }
      out.end();
      await finished(out).catch((error: unknown) => {
        failure ??= error;
      });
      if (failure === undefined) {
        try {
          verify?.();
        } catch (error) {
          failure = error;
        }
      }
      if (failure === undefined || !verify) {
        // Only what reached the file counts; the state is saved after the bytes.
        // Re-read: the type judgement may have saved the key and file facts meanwhile.
        const fresh = await mustRead(id);
        checkWriter(fresh, lease, offset);
        await writeInfo({ ...fresh, offset: offset + out.bytesWritten, fence: nextFence(fresh, lease) });
      } else {
        // Discarded bytes (a checksum mismatch, an unverifiable body) do not keep their disk space until the next PATCH.
        await truncate(pathOf(id, 'data'), offset).catch(() => {});
      }
      if (failure !== undefined) throw failure;
      return offset + out.bytesWritten;
    },
    async readHead(id, maxBytes) {
      const info = await mustRead(id);
      const size = Math.min(maxBytes, info.offset);
      const handle = await open(pathOf(id, 'data'), 'r');
      try {
        const buffer = Buffer.alloc(size);
        const { bytesRead } = await handle.read(buffer, 0, size, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async complete(id, completeOptions = {}) {
      const info = await mustRead(id);
      if (info.completed) return info;
      checkWriter(info, completeOptions.lease);
      if (info.key === undefined || info.length === undefined || info.offset !== info.length) throw new Error('diskResumable: upload is not ready to complete');
      const target = resolveKeyPath(root, info.key);
      await mkdir(path.dirname(target), { recursive: true });
      try {
        // Bytes past the offset (from a crash between a write and its state) are not the file's.
        await truncate(pathOf(id, 'data'), info.length);
        await rename(pathOf(id, 'data'), target);
      } catch (error) {
        // A crash after the rename and before the state was saved: the file is already in place.
        const placed = await stat(target).catch(() => undefined);
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || placed?.size !== info.length) throw error;
      }
      return writeInfo({ ...info, completed: { size: info.length, location: target, at: Date.now() } });
    },
    async openCompleted(info) {
      if (!info.key || !info.completed) return undefined;
      return createReadStream(resolveKeyPath(root, info.key));
    },
    async remove(id, removeOptions = {}) {
      const info = await readInfo(id);
      if (removeOptions.object && info?.completed && info.key) await unlink(resolveKeyPath(root, info.key)).catch(ignoreMissing);
      await unlink(pathOf(id, 'data')).catch(ignoreMissing);
      await unlink(pathOf(id, 'info')).catch(ignoreMissing);
    },
    async *list(): AsyncIterable<ResumableListEntry> {
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      const suffix = `.info${PARTIAL_SUFFIX}`;
      for (const name of names) {
        if (!name.endsWith(suffix)) continue;
        const info = await readInfo(name.slice(0, -suffix.length)).catch(() => undefined);
        if (info) yield { id: info.id, expiresAt: info.expiresAt, completed: info.completed !== undefined };
      }
    },
  };
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

import { Readable } from 'node:stream';
import type { AppendOptions, NewResumableUpload, ResumableInfo, ResumableListEntry, ResumableStore } from '../tus/store-types.js';
import { checkWriter, copyInfo, nextFence } from '../tus/store-checks.js';
import type { MemoryStorage } from './memory-storage.js';
import { memoryStorage } from './memory-storage.js';

interface Entry {
  info: ResumableInfo;
  chunks: Buffer[];
}

/** The memory resumable store, with the storage its completed files land in. */
export interface MemoryResumable extends ResumableStore {
  /** Where completed uploads are stored (list and read them like any upload). */
  readonly storage: MemoryStorage;
}

/** Options of {@link memoryResumable}. */
export interface MemoryResumableOptions {
  /** Where completed files go; share it with a multipart handler to list both. Default a new memory storage. */
  storage?: MemoryStorage;
}

/**
 * Keeps resumable uploads in process memory (tests, demos). State and bytes
 * die with the process, so uploads resume only within it. Completed files go
 * to `storage` under their key.
 */
export function memoryResumable(options: MemoryResumableOptions = {}): MemoryResumable {
  const storage = options.storage ?? memoryStorage();
  const uploads = new Map<string, Entry>();
  const entry = (id: string): Entry => {
    const found = uploads.get(id);
    if (!found) throw new Error(`resumable upload ${id} not found`);
    return found;
  };
  return {
    name: 'memory',
    storage,
    async create(upload: NewResumableUpload) {
      const info: ResumableInfo = { ...copyInfo(upload as ResumableInfo), offset: 0 };
      uploads.set(upload.id, { info, chunks: [] });
      return copyInfo(info);
    },
    async getInfo(id) {
      const found = uploads.get(id);
      return found ? copyInfo(found.info) : undefined;
    },
    async update(id, changes) {
      const found = entry(id);
      found.info = { ...found.info, ...copyInfo(changes as ResumableInfo) };
      return copyInfo(found.info);
    },
    async append(id: string, body: Readable, { offset, lease, verify }: AppendOptions) {
      const found = entry(id);
      checkWriter(found.info, lease, offset);
      const arrived: Buffer[] = [];
      let failure: unknown;
      try {
        for await (const chunk of body) arrived.push(chunk as Buffer);
        verify?.();
      } catch (error) {
        failure = error;
      }
      // Unverifiable or refused bytes are dropped; anything else that arrived is kept.
      if (failure === undefined || !verify) {
        checkWriter(found.info, lease);
        found.chunks.push(...arrived);
        found.info.offset += arrived.reduce((sum, chunk) => sum + chunk.length, 0);
        found.info.fence = nextFence(found.info, lease);
      }
      if (failure !== undefined) throw failure;
      return found.info.offset;
    },
    async readHead(id, maxBytes) {
      const head: Buffer[] = [];
      let size = 0;
      for (const chunk of entry(id).chunks) {
        if (size >= maxBytes) break;
        head.push(chunk);
        size += chunk.length;
      }
      return Buffer.concat(head).subarray(0, Math.min(maxBytes, entry(id).info.offset));
    },
    async complete(id, completeOptions = {}) {
      const found = entry(id);
      if (found.info.completed) return copyInfo(found.info);
      checkWriter(found.info, completeOptions.lease);
      const { key, file } = found.info;
      if (key === undefined || found.info.offset !== found.info.length) throw new Error('memoryResumable: upload is not ready to complete');
      const put = await storage.put(key, Readable.from(found.chunks), {
        signal: new AbortController().signal,
        file: { field: 'file', name: file.name, type: file.type ?? 'application/octet-stream' },
      });
      found.chunks = [];
      found.info.completed = { size: put.size, location: put.location, at: Date.now() };
      return copyInfo(found.info);
    },
    async openCompleted(info) {
      if (!info.key) return undefined;
      return (await storage.get?.(info.key))?.body;
    },
    async remove(id, removeOptions = {}) {
      const found = uploads.get(id);
      uploads.delete(id);
      if (removeOptions.object && found?.info.completed && found.info.key) await storage.remove(found.info.key);
    },
    async *list(): AsyncIterable<ResumableListEntry> {
      for (const [id, found] of [...uploads]) yield { id, expiresAt: found.info.expiresAt, completed: found.info.completed !== undefined };
    },
  };
}

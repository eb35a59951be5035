import { Readable, addAbortSignal } from 'node:stream';
import type { PutOptions, PutResult, StorageDriver, StoredObjectBody, StoredObjectInfo } from './types.js';

interface MemoryObject {
  data: Buffer;
  contentType: string;
  lastModified: Date;
}

/** The memory driver, with direct access to what it holds (for tests and demos). */
export interface MemoryStorage extends StorageDriver {
  /** The stored bytes of `key`, or `undefined`. */
  read(key: string): Buffer | undefined;
  /** Every key currently stored. */
  keys(): string[];
  /** Bytes held in memory in all. */
  readonly totalBytes: number;
  /** Drops everything. */
  clear(): void;
}

/** Options of {@link memoryStorage}. */
export interface MemoryStorageOptions {
  /** Refuse to hold more than this many bytes in all (a guard for demos). Default: unlimited. */
  maxTotalBytes?: number;
}

/**
 * Keeps files in process memory. Meant for tests, demos and small uploads that
 * are processed at once; every stored file stays in RAM until removed.
 */
export function memoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const objects = new Map<string, MemoryObject>();
  let totalBytes = 0;
  const maxTotalBytes = options.maxTotalBytes ?? Infinity;

  function store(key: string, chunks: Buffer[], contentType: string): number {
    const data = Buffer.concat(chunks);
    const previous = objects.get(key);
    totalBytes += data.length - (previous ? previous.data.length : 0);
    objects.set(key, { data, contentType, lastModified: new Date() });
    return data.length;
  }

  return {
    name: 'memory',
    async put(key: string, body, { signal, file, keepPartial }: PutOptions): Promise<PutResult> {
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        signal.throwIfAborted();
        // Without this, an abort would go unnoticed until the next chunk arrived.
        addAbortSignal(signal, body);
        for await (const chunk of body.iterator({ destroyOnReturn: true })) {
          signal.throwIfAborted();
          const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          size += buffer.length;
          if (totalBytes + size > maxTotalBytes) throw new Error('memory storage is full');
          chunks.push(buffer);
        }
        signal.throwIfAborted();
      } catch (error) {
        if (keepPartial) store(key, chunks, file.type);
        body.destroy();
        throw error;
      }
      return { size: store(key, chunks, file.type), location: `memory:${key}` };
    },
    async remove(key: string): Promise<void> {
      const previous = objects.get(key);
      if (previous) totalBytes -= previous.data.length;
      objects.delete(key);
    },
    async get(key: string): Promise<StoredObjectBody | undefined> {
      const object = objects.get(key);
      if (!object) return undefined;
      return { body: Readable.from([object.data]), size: object.data.length, contentType: object.contentType, lastModified: object.lastModified };
    },
    async *list(prefix = ''): AsyncIterable<StoredObjectInfo> {
      for (const [key, object] of objects) {
        if (key.startsWith(prefix)) yield { key, size: object.data.length, lastModified: object.lastModified };
      }
    },
    read: (key) => objects.get(key)?.data,
    keys: () => [...objects.keys()],
    get totalBytes() {
      return totalBytes;
    },
    clear() {
      objects.clear();
      totalBytes = 0;
    },
  };
}

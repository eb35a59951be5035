import type { StorageDriver } from '@sluice/core';

/** A driver that reads every byte and keeps none: measures the engine, not a disk. */
export interface DiscardStorage extends StorageDriver {
  /** Bytes drained by every put so far. */
  readonly bytes: number;
}

/** A {@link StorageDriver} whose `put` drains the file stream and counts it. */
export function discardStorage(): DiscardStorage {
  let total = 0;
  return {
    name: 'discard',
    put(_key, body, { signal }) {
      return new Promise((resolve, reject) => {
        let size = 0;
        const onAbort = (): void => {
          cleanup();
          body.destroy();
          reject(signal.reason);
        };
        const onData = (chunk: Buffer): void => {
          size += chunk.length;
        };
        const onEnd = (): void => {
          cleanup();
          total += size;
          resolve({ size });
        };
        const onError = (error: Error): void => {
          cleanup();
          reject(error);
        };
        function cleanup(): void {
          signal.removeEventListener('abort', onAbort);
          body.off('data', onData);
          body.off('end', onEnd);
          body.off('error', onError);
        }
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        body.on('data', onData);
        body.once('end', onEnd);
        body.once('error', onError);
      });
    },
    async remove() {},
    get bytes() {
      return total;
    },
  };
}

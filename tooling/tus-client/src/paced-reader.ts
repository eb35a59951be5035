import { Readable } from 'node:stream';

/**
 * A tus-js-client file reader that hands the file to the request in 64 KiB
 * pieces, one per turn of the event loop, and once `cutAt` (a fraction) of
 * the file went out calls `cut` (which aborts the upload, destroying the
 * request mid-body) instead of sending more: a cut-off point that does not
 * depend on how fast the machine is. Without `cutAt` it sends everything.
 */
export function pacedReader(content: Buffer, cutAt?: number, cut?: () => Promise<void>) {
  return {
    async openFile() {
      return {
        size: content.length,
        async slice(start: number, end: number) {
          const part = content.subarray(start, end);
          async function* pieces(): AsyncGenerator<Buffer> {
            for (let at = 0; at < part.length; at += 64 * 1024) {
              if (cutAt !== undefined && start + at >= content.length * cutAt) {
                await cut?.();
                return;
              }
              yield part.subarray(at, at + 64 * 1024);
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
          return { value: Object.assign(Readable.from(pieces()), { size: part.length }), done: start + part.length >= content.length };
        },
        close() {},
      };
    },
  };
}

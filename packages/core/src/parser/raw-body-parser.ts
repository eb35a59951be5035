import { Readable } from 'node:stream';
import type { PartParser, PartParserEvents } from './part-parser.js';

/**
 * A raw-body upload (the body is the file) behind the same seam as multipart,
 * so that limits, keys, events and results are shared. The single "part"
 * starts at once; its stream pauses the body when the consumer is slow.
 */
export function createRawBodyParser(file: { field: string; filename: string; mimeType: string }, events: PartParserEvents): PartParser {
  let drain: (() => void) | undefined;
  let wantsMore = true;
  let destroyed = false;
  const stream = new Readable({
    read() {
      if (!wantsMore) {
        wantsMore = true;
        drain?.();
      }
    },
  });
  stream.on('error', (error) => events.onError(error));
  stream.once('end', () => process.nextTick(() => events.onFinish()));
  queueMicrotask(() => events.onFile(stream, file));

  return {
    write(chunk) {
      if (destroyed) return true;
      wantsMore = stream.push(chunk);
      return wantsMore;
    },
    end() {
      if (!destroyed) stream.push(null);
    },
    onDrain(callback) {
      drain = callback;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      process.nextTick(() => stream.destroy());
    },
  };
}

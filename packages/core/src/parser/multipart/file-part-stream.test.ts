import { describe, expect, it } from 'vitest';
import type { FileSink } from '../part-parser.js';
import { FilePartStream } from './file-part-stream.js';

/** A sink that records what it was fed and accepts `room` chunks before asking to wait. */
function recordingSink(room = Infinity): FileSink & { chunks: string[]; finished: boolean } {
  const sink = {
    chunks: [] as string[],
    finished: false,
    onWantMore: () => {},
    feed(chunk: Buffer) {
      sink.chunks.push(chunk.toString());
      return sink.chunks.length < room;
    },
    finish() {
      sink.finished = true;
    },
  };
  return sink;
}

describe('FilePartStream', () => {
  it('as a plain Readable, yields what was written and ends', async () => {
    const stream = new FilePartStream(() => {});
    stream.write(Buffer.from('ab'));
    stream.write(Buffer.from('cd'));
    stream.finish();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abcd');
  });

  it('fed into a sink: earlier bytes first, then every write goes straight to the sink, and finish ends it', async () => {
    const stream = new FilePartStream(() => {});
    stream.write(Buffer.from('early'));
    const sink = recordingSink();
    stream.feedInto(sink);
    expect(stream.write(Buffer.from('late'))).toBe(true);
    stream.finish();
    expect(sink.chunks.join('')).toBe('earlylate');
    expect(sink.finished).toBe(true);
    await new Promise((resolve) => stream.once('close', resolve));
    expect(stream.destroyed).toBe(true);
  });

  it("passes the sink's backpressure on: write returns false, and the sink's wish for more reaches the parser", () => {
    let asked = 0;
    const stream = new FilePartStream(() => (asked += 1));
    const sink = recordingSink(1);
    stream.feedInto(sink);
    const before = asked;
    expect(stream.write(Buffer.from('x'))).toBe(false);
    sink.onWantMore();
    expect(asked).toBe(before + 1);
  });
});

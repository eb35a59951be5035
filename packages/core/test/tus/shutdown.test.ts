import { afterEach, describe, expect, it } from 'vitest';
import { memoryResumable } from '../../src/storage/memory-resumable.js';
import { createUpload, headOffset, startTusServer, testBytes, TUS, type TusServer } from './support.js';

/** A PATCH body that sends `first` and then stalls until `release` is called. */
function stallingPatch(url: string, first: Buffer): { response: Promise<Response | undefined>; release: () => void } {
  let release: () => void = () => {};
  const stalled = new Promise<void>((resolve) => {
    release = resolve;
  });
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(first);
      await stalled;
      controller.close();
    },
  });
  const response = fetch(url, {
    method: 'PATCH',
    headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' },
    body,
    duplex: 'half',
  } as RequestInit).catch(() => undefined);
  return { response, release };
}

async function waitForOffset(read: () => Promise<number | undefined>, wanted: number): Promise<number | undefined> {
  let now: number | undefined;
  for (let i = 0; i < 100; i++) {
    now = await read();
    if (now === wanted) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return now;
}

describe('a PATCH that stops in the middle keeps what arrived', () => {
  let server: TusServer;
  afterEach(() => server.close());

  it('idle timeout: 408, and the bytes received are stored', async () => {
    const store = memoryResumable();
    server = await startTusServer({ store, idleTimeoutMs: 300 });
    const url = await createUpload(server, 10_000);
    const data = testBytes(4_000);
    const { response, release } = stallingPatch(url, data);
    const res = await response;
    release();
    if (res) expect(res.status).toBe(408);
    expect(await waitForOffset(() => headOffset(url), 4_000)).toBe(4_000);
  });

  it('close(): the PATCH in flight ends, its bytes are stored, and new requests get 503', async () => {
    const store = memoryResumable();
    server = await startTusServer({ store });
    const url = await createUpload(server, 10_000);
    const id = url.split('/').pop()!;
    const { response, release } = stallingPatch(url, testBytes(3_000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.handler.close();
    expect((await store.getInfo(id))?.offset).toBe(3_000);
    const res = await response;
    release();
    if (res) expect(res.status).toBe(503);
    expect((await fetch(url, { method: 'HEAD', headers: TUS })).status).toBe(503);
  });

  it('the expiry sweep leaves an upload whose PATCH still runs, and removes it once the PATCH ended', async () => {
    const store = memoryResumable();
    server = await startTusServer({ store, expiresAfterMs: 400 });
    const url = await createUpload(server, 10_000);
    const { response, release } = stallingPatch(url, testBytes(2_000));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await server.handler.sweepExpired()).toEqual({ removed: 0 });
    release();
    await response;
    expect(await server.handler.sweepExpired()).toEqual({ removed: 1 });
    expect((await fetch(url, { method: 'HEAD', headers: TUS })).status).toBe(404);
  });
});

import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import { createTusHandler, memoryResumable } from '@sluice/core/tus';
import { tusHono, type UploadEnv } from '@sluice/hono';
import type { Hono } from 'hono';

/** How long a tus PATCH may stall before it is answered 408 (short, for the stall test). */
export const TUS_IDLE_MS = 1_000;

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Mounts a tus endpoint on a memory store at `/tus` (on Bun and Deno the
 * adapter takes the Web path: `tus.fetch` with the Web Request), and
 * `GET /_tus/:id`: the upload's offset and, once it is complete, its bytes
 * (base64), read from the store inside the runtime.
 */
export function mountTus(app: Hono<UploadEnv>): void {
  const store = memoryResumable();
  const tus = createTusHandler({ store, path: '/tus', idleTimeoutMs: TUS_IDLE_MS });
  app.get('/_tus/:id', async (c) => {
    const info = await store.getInfo(c.req.param('id'));
    if (!info) return c.json({ error: 'no such upload' }, 404);
    const body = info.completed ? await store.openCompleted(info) : undefined;
    return c.json({ offset: info.offset, completed: Boolean(info.completed), name: info.file.name, data: body ? (await bytesOf(body)).toString('base64') : undefined });
  });
  app.all('/tus/*', tusHono(tus));
}

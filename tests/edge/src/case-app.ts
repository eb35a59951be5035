/**
 * The app every runtime of this suite serves: a Hono app with @sluice/hono on
 * `POST /upload`, set up for one case of the HTTP table at a time by the test
 * runner (which lives in Node's vitest, across a real socket).
 *
 * - `POST /_setup` `{ options, preRead }`: a fresh store and upload handler with
 *   the case's options (plain JSON: limits, allowedTypes, progress).
 * - `POST /upload`: the upload route the table exercises; it answers
 *   `{ files, fields, upload }`, errors as @sluice/hono answers them.
 * - `GET /_state`: the handler's `loadend` outcomes and `progress` counts.
 * - `GET /_storage`: every stored object, base64 (only where the store is
 *   not inspectable from outside: memory on Bun and Deno).
 *
 * It runs one case at a time: the runner drives cases in sequence.
 */
import { Buffer } from 'node:buffer';
import { Hono } from 'hono';
import { createUploadHandler, type StorageDriver, type UploadOptions } from '@sluice/core';
import { upload, type UploadEnv } from '@sluice/hono';

/** What `POST /_setup` takes. */
export interface CaseSetup {
  options?: Omit<UploadOptions, 'storage'>;
  preRead?: boolean;
}

/** What `GET /_state` answers. */
export interface CaseState {
  outcomes: Array<{ error?: { code: string } }>;
  progress: number[];
}

interface CurrentCase {
  handler: ReturnType<typeof createUploadHandler>;
  storage: StorageDriver;
  preRead: boolean;
  state: CaseState;
}

/** Reads every object of a driver, for `GET /_storage`. */
async function dump(storage: StorageDriver): Promise<Record<string, string>> {
  const objects: Record<string, string> = {};
  for await (const { key } of storage.list!()) {
    const stored = await storage.get!(key);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stored!.body) chunks.push(chunk as Uint8Array);
    objects[key] = Buffer.concat(chunks).toString('base64');
  }
  return objects;
}

/**
 * Builds the app. `storageFor` gives the store of a new case from the
 * request's `env` (an R2 binding on Workers, a memory store elsewhere).
 */
export function createCaseApp(storageFor: (env: unknown) => StorageDriver | Promise<StorageDriver>): Hono<UploadEnv> {
  let current: CurrentCase | undefined;
  const app = new Hono<UploadEnv>();

  app.post('/_setup', async (c) => {
    const setup = (await c.req.json()) as CaseSetup;
    const storage = await storageFor(c.env);
    const handler = createUploadHandler({ checksums: ['sha256'], idleTimeoutMs: 5000, ...setup.options, storage });
    const state: CaseState = { outcomes: [], progress: [] };
    handler.on('loadend', ({ error }) => {
      state.outcomes.push(error ? { error: { code: error.code } } : {});
      // An internal error's cause is the one clue to why a runtime misbehaves: keep it in the server's output.
      if (error?.code === 'INTERNAL') console.error('INTERNAL', error.cause);
    });
    handler.on('progress', ({ bytesReceived }) => state.progress.push(bytesReceived));
    current = { handler, storage, preRead: setup.preRead === true, state };
    return c.json({ ok: true });
  });

  app.get('/_state', (c) => c.json(current?.state ?? { outcomes: [], progress: [] }));
  app.get('/_storage', async (c) => c.json(current ? await dump(current.storage) : {}));

  app.post('/upload', async (c, next) => {
    if (!current) return c.json({ error: { code: 'NO_CASE', message: 'POST /_setup first' } }, 500);
    if (current.preRead) await c.req.text();
    const handle = upload(current.handler);
    return handle(c, next);
  });
  app.post('/upload', (c) => c.json({ files: c.get('files'), fields: c.get('fields'), upload: c.get('upload') }));
  return app;
}

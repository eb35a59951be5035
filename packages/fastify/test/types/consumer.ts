// Compiled by types.test.ts and by `pnpm typecheck`: what a TypeScript user of
// the plugin writes must compile, and each @ts-expect-error line must fail.
import { createUploadHandler, memoryStorage, type StoredFile, type UploadResult } from '@sluice/core';
import Fastify, { type RouteShorthandOptions } from 'fastify';
import { expectTypeOf } from 'vitest';
import { sluice } from '../../src/index.js';

export async function typedApp(): Promise<void> {
  const app = Fastify();
  await app.register(sluice, { storage: memoryStorage(), limits: { fileSize: 1024 }, drain: { timeoutMs: 1000 } });

  app.post('/files', { config: { upload: true } }, async (request) => {
    expectTypeOf(request.files).toEqualTypeOf<Record<string, StoredFile[]> | undefined>();
    expectTypeOf(request.upload).toEqualTypeOf<UploadResult | undefined>();
    return { names: request.files?.doc?.map((file) => file.name) };
  });

  app.post<{ Body: { title: string } }>('/fields', { config: { upload: { limits: { files: 1 }, allowedTypes: ['image/*'] } } }, async (request) => {
    expectTypeOf(request.body.title).toBeString();
    return {};
  });

  app.post('/handler', { config: { upload: createUploadHandler({ storage: memoryStorage() }) } }, async () => ({}));

  // @ts-expect-error: config.upload takes true, upload options or a handler
  const bad: RouteShorthandOptions = { config: { upload: 'yes' } };
  app.post('/bad', bad, async () => ({}));

  // @ts-expect-error: no such limit
  await app.register(sluice, { limits: { fileSise: 1 } });
}

/**
 * The Fastify benchmark servers: @sluice/fastify and @fastify/multipart on
 * Fastify 5, both discarding file bytes and answering `{ bytes }` with the
 * file bytes that reached the end of the pipeline. Loaded only by these kinds,
 * so the other servers do not pay for Fastify at start-up.
 */
import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';

/** What the benchmark uses of @fastify/multipart's request decorations. */
interface MultipartRequest {
  parts(): AsyncIterableIterator<{ type: 'file'; file: AsyncIterable<Buffer> } | { type: 'field' }>;
}

/** A Node request listener (what `http.createServer` takes). */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The listener of a ready Fastify app, for the benchmark's own `http.Server`. */
async function listenerOf(build: (app: FastifyInstance) => Promise<void>): Promise<RequestListener> {
  let listener: RequestListener | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      listener = handler as RequestListener;
      // Fastify wants a server object; the benchmark listens with its own.
      return new Server();
    },
  });
  await build(app);
  await app.ready();
  return listener!;
}

/** Sluice on Fastify, or @fastify/multipart reading every file stream to its end. */
export async function fastifyListener(kind: 'fastify-sluice-discard' | 'fastify-multipart-discard', limits: { fileSize: number; totalSize: number }): Promise<RequestListener> {
  if (kind === 'fastify-sluice-discard') {
    const { sluice } = await import('@sluice/fastify');
    const { createHandlerWithEngine } = await import('../lib/core-engine.js');
    const { discardStorage } = await import('../lib/discard-storage.js');
    const discard = discardStorage();
    const handler = createHandlerWithEngine<import('fastify').FastifyRequest>({ storage: discard, limits });
    let base = 0;
    return listenerOf(async (app) => {
      await app.register(sluice);
      app.post('/upload', { config: { upload: handler } }, async () => {
        const bytes = discard.bytes - base;
        base = discard.bytes;
        return { bytes };
      });
    });
  }
  // Loaded by a name TypeScript does not follow: its declaration of
  // `request.files` (a method) and @sluice/fastify's (the stored files) cannot
  // share one program, and this file has both.
  const name = '@fastify/multipart';
  const { default: multipart } = (await import(name)) as { default: FastifyPluginAsync<{ limits: { fileSize: number } }> };
  return listenerOf(async (app) => {
    // @fastify/multipart caps a file at Fastify's bodyLimit (1 MiB) unless told otherwise.
    await app.register(multipart, { limits: { fileSize: Number.MAX_SAFE_INTEGER } });
    app.post('/upload', async (request) => {
      let bytes = 0;
      for await (const part of (request as unknown as MultipartRequest).parts()) {
        if (part.type === 'file') for await (const chunk of part.file) bytes += chunk.length;
      }
      return { bytes };
    });
  });
}

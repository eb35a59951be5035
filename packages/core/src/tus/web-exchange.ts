import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import type { TusExchange, TusReply } from './exchange.js';
import { effectiveMethod, pathnameOf } from './node-exchange.js';

/** Turns a Fetch API request into a tus exchange and the reply into a `Response`. */
export async function serveWeb<Request>(request: globalThis.Request, context: Request | undefined, run: (ex: TusExchange<Request>) => Promise<TusReply>): Promise<Response> {
  const header = (name: string): string | undefined => request.headers.get(name) ?? undefined;
  const length = header('content-length');
  const ex: TusExchange<Request> = {
    method: effectiveMethod(request.method, header('x-http-method-override')),
    pathname: pathnameOf(request.url),
    header,
    hasBody: request.body !== null && length !== '0',
    body: () => (request.body ? Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>) : Readable.from([])),
    signal: request.signal,
    request: context,
  };
  const answer = await run(ex);
  const nullBody = answer.status === 204 || answer.status === 304 || ex.method === 'HEAD';
  return new Response(nullBody ? null : (answer.body ?? ''), { status: answer.status, headers: answer.headers });
}

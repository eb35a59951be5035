import type { IncomingMessage, ServerResponse } from 'node:http';

/** The Node objects @hono/node-server passes as `c.env`, when it is the server. */
export function nodeBindings(env: unknown): { incoming: IncomingMessage; outgoing: ServerResponse } | undefined {
  const { incoming, outgoing } = (env ?? {}) as { incoming?: IncomingMessage; outgoing?: ServerResponse };
  if (typeof incoming?.on !== 'function' || typeof outgoing?.on !== 'function' || !incoming.socket) return undefined;
  return { incoming, outgoing };
}

/**
 * The body to parse. On @hono/node-server, the Node request itself when
 * nothing has touched its body yet: the server builds the Web stream around
 * it only when `request.body` is first read, and going through that stream
 * cost about twice the CPU per GiB (docs/performance-analysis.md, section 2).
 * Anywhere else (Bun, Deno, Workers), or once something else has started
 * reading, the Web body (whose consumption the core detects).
 */
export function bodyOf(request: Request, env: unknown): ReadableStream<Uint8Array> | IncomingMessage | null {
  const incoming = nodeBindings(env)?.incoming;
  // readableFlowing stays null until someone attaches 'data' or 'readable', pauses or resumes it.
  const untouched = incoming !== undefined && !incoming.readableDidRead && incoming.readableFlowing === null;
  return untouched ? incoming : request.body;
}

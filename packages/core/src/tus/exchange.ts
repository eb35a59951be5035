import type { Readable } from 'node:stream';

/** One tus request, whatever runtime it came from (Node or the Fetch API). */
export interface TusExchange<Request = unknown> {
  /** The effective method (`X-HTTP-Method-Override` applied to a POST). */
  method: string;
  /** The request's path name (not decoded). */
  pathname: string;
  /** A request header, lower-case name. */
  header(name: string): string | undefined;
  /** The request body as a Node stream; call at most once. */
  body(): Readable;
  /** True when the request carries a body (a `Content-Length` above 0 or chunked). */
  hasBody: boolean;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /** The framework's request, for key functions and hooks. */
  request: Request | undefined;
}

/** The answer to one tus request. */
export interface TusReply {
  status: number;
  headers: Record<string, string>;
  /** A short text body (errors only). */
  body?: string;
}

/** Where a path points below the mount path. */
export type TusTarget = { kind: 'collection' } | { kind: 'upload'; id: string } | { kind: 'none' };

/** Normalises a mount path: leading slash, no trailing slash (`/` stays `''`). */
export function normaliseMountPath(path: string): string {
  const trimmed = `/${path}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return trimmed;
}

/** Resolves `pathname` against the mount path: the collection, one upload's URL, or nothing of ours. */
export function resolveTarget(pathname: string, mount: string): TusTarget {
  if (pathname === mount || pathname === `${mount}/`) return { kind: 'collection' };
  if (!pathname.startsWith(`${mount}/`)) return { kind: 'none' };
  const rest = pathname.slice(mount.length + 1).replace(/\/$/, '');
  // Never decoded and never joined into a path: an id is a fixed alphabet or nothing.
  if (rest === '' || rest.includes('/')) return { kind: 'none' };
  return { kind: 'upload', id: rest };
}

import { rawExchange, step, type RawResponse, type RawStep } from './raw-client.js';
import { TUS_PATH } from './tus-servers.js';

/** A request head as exact text: header values are written as given (no trimming, no validation). */
export interface TusHead {
  method: string;
  /** The request target, written as is (e.g. `/tus/%2e%2e/x`). */
  target: string;
  /** Header lines in order; `Host` and `Tus-Resumable: 1.0.0` are added unless `bare`. */
  headers?: Array<[string, string]>;
  /** Leave out the default `Tus-Resumable` header. */
  bare?: boolean;
}

/** The bytes of a request head (ends with the blank line). */
export function headBytes(head: TusHead): Buffer {
  const lines = [`${head.method} ${head.target} HTTP/1.1`, 'Host: 127.0.0.1'];
  if (!head.bare) lines.push('Tus-Resumable: 1.0.0');
  for (const [name, value] of head.headers ?? []) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** The URL of one upload. */
export function uploadUrl(id: string): string {
  return `${TUS_PATH}/${id}`;
}

/** The `Upload-Metadata` value of `pairs` (values base64 of UTF-8; `null` for a key without a value). */
export function metadataOf(pairs: Record<string, string | null>): string {
  return Object.entries(pairs)
    .map(([key, value]) => (value === null ? key : `${key} ${Buffer.from(value, 'utf8').toString('base64')}`))
    .join(',');
}

/** The headers of a PATCH at `offset` (tus content type, `Content-Length` of `length` unless `undefined`). */
export function patchHeaders(offset: number | string, length: number | undefined, extra: Array<[string, string]> = []): Array<[string, string]> {
  return [
    ['Content-Type', 'application/offset+octet-stream'],
    ['Upload-Offset', String(offset)],
    ...(length === undefined ? [] : ([['Content-Length', String(length)]] as Array<[string, string]>)),
    ...extra,
  ];
}

/**
 * A tus client on the raw socket for one server: every request is a fresh
 * connection with exact bytes. Each upload it sees created (a 201 with a
 * `Location`) is remembered, so the runner can delete it and check that
 * nothing is left.
 */
export class TusClient {
  /** Ids of the uploads created through this client. */
  readonly created = new Set<string>();

  constructor(readonly port: number) {}

  /** Plays `steps` on a fresh connection (default timeout 10 s). */
  async exchange(steps: readonly RawStep[], timeoutMs = 10_000): Promise<RawResponse> {
    const response = await rawExchange({ port: this.port, steps, timeoutMs });
    const location = response.headers.location;
    if (response.status === 201 && location) this.created.add(location.slice(location.lastIndexOf('/') + 1));
    return response;
  }

  /** Sends a head and an optional body in one go and waits for the answer. */
  async send(head: TusHead, body?: Buffer | string, timeoutMs?: number): Promise<RawResponse> {
    // A HEAD answer announces a Content-Length it does not send: the server
    // closes the connection instead, which ends the answer for the raw client.
    const isHead = head.method === 'HEAD';
    const request = isHead ? { ...head, headers: [...(head.headers ?? []), ['Connection', 'close'] as [string, string]] } : head;
    const steps: RawStep[] = [step.write(headBytes(request))];
    if (body !== undefined) steps.push(step.write(body));
    steps.push(step.awaitResponse(timeoutMs ?? 10_000));
    const response = await this.exchange(steps, timeoutMs);
    if (isHead && response.status !== undefined && response.closedByServer && !response.timedOut) return { ...response, body: Buffer.alloc(0), complete: true };
    return response;
  }

  /** POST to the collection with `Upload-Length: length` (or a deferred length) and metadata; resolves with the new id, or throws with what came back. */
  async create(length: number | 'defer', metadata?: string): Promise<string> {
    const headers: Array<[string, string]> = [length === 'defer' ? ['Upload-Defer-Length', '1'] : ['Upload-Length', String(length)], ['Content-Length', '0']];
    if (metadata !== undefined) headers.push(['Upload-Metadata', metadata]);
    const response = await this.send({ method: 'POST', target: TUS_PATH, headers });
    const location = response.headers.location;
    if (response.status !== 201 || !location) throw new Error(`creation failed: ${response.raw.toString('latin1').slice(0, 300)}`);
    return location.slice(location.lastIndexOf('/') + 1);
  }

  /** HEAD of one upload. */
  head(id: string): Promise<RawResponse> {
    return this.send({ method: 'HEAD', target: uploadUrl(id) });
  }

  /** The `Upload-Offset` HEAD answers, or `undefined` when HEAD is not 200. */
  async offset(id: string): Promise<number | undefined> {
    const response = await this.head(id);
    return response.status === 200 ? Number(response.headers['upload-offset']) : undefined;
  }

  /** A well-formed PATCH of `body` at `offset`, with optional extra headers. */
  patch(id: string, offset: number, body: Buffer | string, extra: Array<[string, string]> = []): Promise<RawResponse> {
    return this.send({ method: 'PATCH', target: uploadUrl(id), headers: patchHeaders(offset, Buffer.byteLength(body), extra) }, Buffer.from(body));
  }

  /** DELETE of one upload. */
  delete(id: string): Promise<RawResponse> {
    return this.send({ method: 'DELETE', target: uploadUrl(id), headers: [['Content-Length', '0']] });
  }
}

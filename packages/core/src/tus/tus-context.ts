import { randomUUID } from 'node:crypto';
import type { EventHub } from '../events/event-hub.js';
import type { UploadEventMap, UploadEventName } from '../events/types.js';
import type { UploadLease } from '../lock/types.js';
import type { TusExchange, TusReply } from './exchange.js';
import { formatMetadata, httpDate, TUS_VERSION } from './protocol.js';
import type { ResolvedTusOptions } from './resolve-options.js';
import type { RunningDigests } from './running-digests.js';
import type { ResumableInfo } from './store-types.js';
import { TusError } from './tus-error.js';

/** What every request of one handler shares. */
export interface TusContext<Request> {
  options: ResolvedTusOptions<Request>;
  hub: EventHub;
  digests: RunningDigests;
  /** Aborts when the handler closes: PATCHes persist what arrived and end. */
  closing: AbortController;
}

/** One request being answered: its exchange and its id for events. */
export interface TusCall<Request> {
  ctx: TusContext<Request>;
  ex: TusExchange<Request>;
  requestId: string;
}

/** Starts a call. */
export function newCall<Request>(ctx: TusContext<Request>, ex: TusExchange<Request>): TusCall<Request> {
  return { ctx, ex, requestId: randomUUID() };
}

type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/** Emits an event with the upload id attached. */
export function emit<E extends UploadEventName>(call: TusCall<unknown>, name: E, event: WithoutRequestId<UploadEventMap[E]>, uploadId: string | undefined): void {
  const hub = call.ctx.hub;
  if (!hub.has(name)) return;
  const payload = { ...event, requestId: call.requestId, uploadId } as unknown as UploadEventMap[E];
  hub.emit(name, payload);
}

/** `Upload-Offset`, `Upload-Length`/`Upload-Defer-Length` and `Upload-Expires` of an upload. */
export function stateHeaders(info: ResumableInfo): Record<string, string> {
  const headers: Record<string, string> = { 'Upload-Offset': String(info.offset) };
  if (info.length === undefined) headers['Upload-Defer-Length'] = '1';
  else headers['Upload-Length'] = String(info.length);
  if (!info.completed) headers['Upload-Expires'] = httpDate(info.expiresAt);
  return headers;
}

/** HEAD's answer: the state plus metadata, never cached. */
export function headHeaders(info: ResumableInfo): Record<string, string> {
  const metadata = formatMetadata(info.metadata);
  return { ...stateHeaders(info), ...(metadata ? { 'Upload-Metadata': metadata } : {}), 'Cache-Control': 'no-store' };
}

/** A reply with `Tus-Resumable`. */
export function reply(status: number, headers: Record<string, string> = {}, body?: string): TusReply {
  return { status, headers: { 'Tus-Resumable': TUS_VERSION, ...headers }, ...(body === undefined ? {} : { body }) };
}

/**
 * The upload's state, or 404 when it does not exist and 410 when it expired
 * before completing (it stays refused until the sweep removes it).
 */
export async function loadUpload(ctx: TusContext<unknown>, id: string, now = Date.now()): Promise<ResumableInfo> {
  const info = await ctx.options.store.getInfo(id);
  if (!info) throw new TusError(404, 'Upload not found');
  if (!info.completed && info.expiresAt <= now) throw new TusError(410, 'Upload expired');
  return info;
}

/** Takes the upload's lease; `waitMs` > 0 retries a contended lease that long (DELETE does). */
export function lockUpload(call: TusCall<unknown>, id: string, waitMs = 0): Promise<UploadLease> {
  return call.ctx.options.locker.acquire(id, { signal: call.ex.signal, waitMs });
}

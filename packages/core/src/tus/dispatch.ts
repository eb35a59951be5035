import type { StoredFile, UploadResult } from '../result/types.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { creationRoute } from './creation-route.js';
import type { TusExchange, TusReply } from './exchange.js';
import { resolveTarget } from './exchange.js';
import { finishUpload } from './finish-upload.js';
import { patchRoute } from './patch-route.js';
import { isUploadId, TUS_CHECKSUM_ALGORITHMS, TUS_EXTENSIONS, TUS_VERSION } from './protocol.js';
import { emit, headHeaders, loadUpload, lockUpload, newCall, reply, type TusCall, type TusContext } from './tus-context.js';
import { describeFailure, TusError } from './tus-error.js';
import { toUploadError } from '../errors/upload-error.js';
import type { LoadTicket } from '../load/load-governor.js';

/** OPTIONS: what this server speaks (no `Tus-Resumable` needed on the request). */
function optionsReply(ctx: TusContext<unknown>): TusReply {
  return reply(204, {
    'Tus-Version': TUS_VERSION,
    'Tus-Extension': TUS_EXTENSIONS.join(','),
    'Tus-Max-Size': String(ctx.options.maxFileSize),
    'Tus-Checksum-Algorithm': TUS_CHECKSUM_ALGORITHMS.join(','),
  });
}

/**
 * HEAD: the stored offset, never locked (a HEAD must answer while a PATCH
 * runs: clients resume with it, and a 4xx here makes tus-js-client start
 * over). An upload whose offset reached its length but that a crash left
 * uncompleted is completed here when its lease is free.
 */
async function headRoute(call: TusCall<unknown>, id: string): Promise<TusReply> {
  let info = await loadUpload(call.ctx, id);
  if (!info.completed && info.length !== undefined && info.offset === info.length) {
    const lease = await lockUpload(call, id).catch(() => undefined);
    if (lease) {
      try {
        info = (await finishUpload(call, info, lease)).info;
      } finally {
        await lease.release();
      }
    }
  }
  return reply(200, headHeaders(info));
}

/** DELETE (termination): removes the upload and, when it was completed, its file. Waits briefly for a PATCH that is ending. */
async function deleteRoute(call: TusCall<unknown>, id: string): Promise<TusReply> {
  await loadUpload(call.ctx, id);
  const lease = await lockUpload(call, id, 3_000);
  try {
    call.ctx.digests.forget(id);
    await call.ctx.options.store.remove(id, { object: true });
  } finally {
    await lease.release();
  }
  return reply(204);
}

async function route(call: TusCall<unknown>): Promise<{ reply: TusReply; file?: StoredFile }> {
  const { ex, ctx } = call;
  const target = resolveTarget(ex.pathname, ctx.options.mount);
  if (target.kind === 'none') throw new TusError(404, 'Not found');
  if (ex.method === 'OPTIONS') return { reply: optionsReply(ctx) };
  const version = ex.header('tus-resumable');
  if (version !== TUS_VERSION) throw new TusError(412, 'Unsupported Tus-Resumable version', { 'Tus-Version': TUS_VERSION });
  if (ctx.closing.signal.aborted) throw new TusError(503, 'Server is shutting down');
  if (target.kind === 'collection') {
    if (ex.method === 'POST') return creationRoute(call);
    throw new TusError(405, 'Method not allowed', { Allow: 'POST, OPTIONS' });
  }
  // Anything but an exact id is unknown: never a path, never a lookup.
  if (!isUploadId(target.id)) throw new TusError(404, 'Upload not found');
  switch (ex.method) {
    case 'HEAD':
      return { reply: await headRoute(call, target.id) };
    case 'PATCH':
      return patchRoute(call, target.id);
    case 'DELETE':
      return { reply: await deleteRoute(call, target.id) };
    default:
      throw new TusError(405, 'Method not allowed', { Allow: 'HEAD, PATCH, DELETE, OPTIONS' });
  }
}

function resultOf(call: TusCall<unknown>, started: number, file: StoredFile | undefined): UploadResult {
  const endTime = Date.now();
  const files = Object.create(null) as UploadResult['files'];
  if (file) files.file = [file];
  return {
    requestId: call.requestId,
    files,
    incomplete: [],
    fields: Object.create(null) as UploadResult['fields'],
    stats: { startTime: started, endTime, durationMs: endTime - started, bytesReceived: 0, bytesWritten: 0, chunksReceived: 0, filesCompleted: file ? 1 : 0, filesRemoved: 0 },
  };
}

/**
 * Answers one tus request: routes it, turns every failure into its status
 * (with a short text body and, for 409, the current offset), adds CORS
 * headers, and emits the request's events.
 */
export async function dispatch(ctx: TusContext<unknown>, ex: TusExchange<unknown>): Promise<TusReply> {
  const call = newCall(ctx, ex);
  const origin = ex.header('origin');
  if (ex.method === 'OPTIONS' && ex.header('access-control-request-method') !== undefined) {
    const target = resolveTarget(ex.pathname, ctx.options.mount);
    if (target.kind !== 'none') return reply(204, { ...optionsReply(ctx).headers, ...preflightHeaders(ctx.options.cors, origin) });
  }
  const started = Date.now();
  const writes = ex.method === 'PATCH' || ex.method === 'POST';
  const uploadId = resolveTarget(ex.pathname, ctx.options.mount);
  const id = uploadId.kind === 'upload' ? uploadId.id : undefined;
  if (writes) emit(call, 'loadstart', { contentLength: undefined, startTime: started }, id);
  let out: TusReply;
  let ticket: LoadTicket | undefined;
  try {
    // Back-pressure: bytes need memory; a full instance answers 503 + Retry-After instead of queueing.
    if (writes && ex.hasBody) ticket = ctx.options.load?.admit();
    const { reply: answer, file } = await route(call);
    out = answer;
    if (writes) emit(call, 'loadend', { result: resultOf(call, started, file), error: undefined }, id);
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.status >= 500) ctx.options.logger.error('sluice tus: request failed', { status: failure.status, error: String((error as Error)?.cause ?? error) });
    out = reply(failure.status, { 'Content-Type': 'text/plain; charset=utf-8', ...failure.headers }, failure.message);
    if (writes) {
      const typed = toUploadError(error);
      if (ex.signal.aborted) emit(call, 'abort', { bytesReceived: 0 }, id);
      emit(call, 'error', { error: typed }, id);
      emit(call, 'loadend', { result: resultOf(call, started, undefined), error: typed }, id);
    }
  } finally {
    ticket?.release();
  }
  out.headers = { ...out.headers, ...corsHeaders(ctx.options.cors, origin) };
  return out;
}

/**
 * Runs the whole Sluice engine with either parser. The core has no option to
 * choose the parser yet (the default is busboy), so for "core (@fastify/busboy)"
 * this module swaps `UploadSession#createParser` on a subclass: a bench-only
 * shim over core internals, to be replaced by the proposed `engine` option
 * (see docs/performance-analysis.md). Everything else (limits,
 * sniffing, keys, events, storage) is the unmodified engine.
 */
import { createUploadHandler, resolveOptions, UploadError, type UploadHandler, type UploadOptions } from '@sluice/core';
import { EventHub } from '../../../packages/core/src/events/event-hub.js';
import type { BodyKind } from '../../../packages/core/src/handler/classify-request.js';
import { UploadSession } from '../../../packages/core/src/handler/upload-session.js';
import { createFastifyBusboyParser } from '../../../packages/core/src/parser/fastify-busboy-parser.js';
import type { PartParser } from '../../../packages/core/src/parser/part-parser.js';

/** Which multipart parser the engine runs on. */
export type Engine = 'busboy' | 'fastify-busboy';

interface SessionInternals {
  options: { limits: import('@sluice/core').UploadLimits };
  createParser(kind: BodyKind): PartParser;
}

class FastifyBusboySession<Request> extends UploadSession<Request> {}
const baseCreateParser = (UploadSession.prototype as unknown as SessionInternals).createParser;
Object.defineProperty(FastifyBusboySession.prototype, 'createParser', {
  value(this: SessionInternals, kind: BodyKind): PartParser {
    if (kind.kind === 'raw') return baseCreateParser.call(this, kind);
    return createFastifyBusboyParser(kind.contentType, this.options.limits, this as unknown as UploadSession<unknown>);
  },
});

/** `createUploadHandler` with a choice of parser. */
export function createHandlerWithEngine<Request = unknown>(options: UploadOptions<Request>, engine: Engine): UploadHandler<Request> {
  if (engine === 'busboy') return createUploadHandler(options);
  const resolved = resolveOptions(options);
  const hub = new EventHub(() => {});
  const active = new Set<UploadSession<Request>>();
  let closing = false;
  return {
    options: resolved,
    handle(input) {
      const session = new FastifyBusboySession(resolved, hub, input);
      if (closing) return session.refuse(new UploadError('SHUTTING_DOWN'));
      active.add(session);
      const outcome = session.run();
      const forget = (): void => void active.delete(session);
      outcome.then(forget, forget);
      return outcome;
    },
    on: (name, listener) => hub.on(name, listener),
    off: (name, listener) => hub.off(name, listener),
    async shutdown() {
      closing = true;
      await Promise.all([...active].map((session) => session.cancel(new UploadError('SHUTTING_DOWN'))));
    },
    get activeUploads() {
      return active.size;
    },
  };
}

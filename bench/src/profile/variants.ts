/**
 * Engine variants for the what-if experiments: each changes one thing from
 * outside the core (no core file is edited). See docs/performance-analysis.md.
 */
import busboy from 'busboy';
import { resolveOptions, type UploadHandler, type UploadOptions } from '@sluice/core';
import { EventHub } from '../../../packages/core/src/events/event-hub.js';
import type { BodyKind } from '../../../packages/core/src/request/classify-request.js';
import { UploadSession } from '../../../packages/core/src/session/upload-session.js';
import type { UploadLimits } from '../../../packages/core/src/limits/limits.js';
import type { PartParser, PartParserEvents } from '../../../packages/core/src/parser/part-parser.js';

export type Factory = (contentType: string, limits: UploadLimits, events: PartParserEvents) => PartParser;

/** A handler whose sessions use `factory` for multipart bodies. */
export function handlerWith(factory: Factory, options: UploadOptions): UploadHandler {
  class Session extends UploadSession<unknown> {}
  Object.defineProperty(Session.prototype, 'createParser', {
    value(this: { options: { limits: UploadLimits } }, kind: BodyKind): PartParser {
      if (kind.kind === 'raw') throw new Error('raw not used here');
      return factory(kind.contentType, this.options.limits, this as unknown as PartParserEvents);
    },
  });
  const resolved = resolveOptions(options);
  const hub = new EventHub(() => {});
  return {
    options: resolved,
    handle: (input) => new Session(resolved, hub, input).run(),
    on: (name, listener) => hub.on(name, listener),
    off: (name, listener) => hub.off(name, listener),
    shutdown: async () => {},
    activeUploads: 0,
  } as UploadHandler;
}

/** busboy as the core's parser, but with bigger stream buffers (parser input and file streams). */
export function busboyWithBuffers(hwm: number): Factory {
  return (contentType, limits, events) => {
    const parser = busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      highWaterMark: hwm,
      fileHwm: hwm,
      limits: { files: limits.files, fields: limits.fields, parts: limits.parts + 1, fieldSize: limits.fieldSize + 1, fieldNameSize: limits.fieldNameSize + 1, headerPairs: 2000 },
    });
    let destroyed = false;
    parser.on('file', (field, stream, info) => {
      stream.on('error', (error) => events.onError(error));
      events.onFile(stream, { field: field ?? '', filename: info.filename, mimeType: info.mimeType });
    });
    parser.on('field', (name, value, info) => events.onField(name ?? '', value, info));
    parser.on('filesLimit', () => events.onLimit('files'));
    parser.on('fieldsLimit', () => events.onLimit('fields'));
    parser.on('partsLimit', () => events.onLimit('parts'));
    parser.on('error', (error: Error) => events.onError(error));
    parser.on('finish', () => events.onFinish());
    return {
      write: (chunk) => (destroyed ? true : parser.write(chunk)),
      end: () => void (destroyed || parser.end()),
      onDrain: (callback) => parser.on('drain', callback),
      destroy: () => {
        if (destroyed) return;
        destroyed = true;
        process.nextTick(() => parser.destroy());
      },
    };
  };
}

import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { UploadError } from '../errors/upload-error.js';
import type { PartParser, PartParserEvents } from './part-parser.js';

/**
 * A raw-body upload (the body is the file) behind the same seam as multipart,
 * so that limits, keys, events and results are shared. The single "part"
 * starts at once; its stream pauses the body when the consumer is slow.
 */
export function createRawBodyParser(file: { field: string; filename: string; mimeType: string }, events: PartParserEvents): PartParser {
  let drain: (() => void) | undefined;
  let wantsMore = true;
  let destroyed = false;
  const stream = new Readable({
    read() {
      if (!wantsMore) {
        wantsMore = true;
        drain?.();
      }
    },
  });
  stream.on('error', (error) => events.onError(error));
  stream.once('end', () => process.nextTick(() => events.onFinish()));
  queueMicrotask(() => events.onFile(stream, file));

  return {
    write(chunk) {
      if (destroyed) return true;
      wantsMore = stream.push(chunk);
      return wantsMore;
    },
    end() {
      if (!destroyed) stream.push(null);
    },
    onDrain(callback) {
      drain = callback;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      process.nextTick(() => stream.destroy());
    },
  };
}

/** How a raw-body upload is named: the resolved `rawUpload` options this needs. */
export interface RawUploadNaming {
  /** The field the file is reported under. */
  field: string;
  /** The (lowercased) header that may carry the file name. */
  filenameHeader: string;
  /** Refuse an upload that names no file (400 `FILENAME_REQUIRED`) instead of generating a name. */
  requireFilename: boolean;
}

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

/**
 * The file name in a raw-body upload's name header, as the client meant it.
 * Node hands header values over one char per byte; the bytes are read as
 * UTF-8 when they are valid UTF-8 (a client that sends `X-File-Name: café`
 * raw), else as latin1. Then, when the value holds `%XX` escapes that decode
 * cleanly, it is percent-decoded (the documented way to send any name):
 * `caf%C3%A9` is `café`, and a `%` that starts no valid escape is kept.
 */
export function decodeFilenameHeader(header: string): string {
  const bytes = Buffer.from(header, 'latin1');
  const text = isUtf8(bytes) ? bytes.toString('utf8') : header;
  if (!PERCENT_ESCAPE.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * What a raw-body upload's one file is: the name the route gave, else the
 * name header's ({@link decodeFilenameHeader}), else '' (no name: the file
 * gets a generated safe name with the extension of its type, e.g.
 * `file.pdf`), unless `requireFilename` refuses it with 400.
 */
export function rawUploadFile(naming: RawUploadNaming, mimeType: string, routeName: string | undefined, header: string | undefined): { field: string; filename: string; mimeType: string } {
  const filename = routeName ?? (header === undefined ? '' : decodeFilenameHeader(header));
  if (filename === '' && naming.requireFilename) throw new UploadError('FILENAME_REQUIRED', { details: { header: naming.filenameHeader } });
  return { field: naming.field, filename, mimeType };
}

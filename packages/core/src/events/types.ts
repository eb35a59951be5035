import type { UploadError } from '../errors/upload-error.js';
import type { StoredFile, UploadResult } from '../result/types.js';

/** Fields every event carries. */
interface EventBase {
  /** Identifies the request; the same id is in the result. */
  requestId: string;
}

/** Every event a handler emits, by name (formaline's XHR2-style set). */
export interface UploadEventMap {
  /** The request was accepted for parsing. */
  loadstart: EventBase & { contentLength: number | undefined; startTime: number };
  /** Body bytes arrived; emitted every `progress.bytes` bytes or `progress.chunks` chunks. */
  progress: EventBase & { bytesReceived: number; chunksReceived: number; contentLength: number | undefined; ratio: number | undefined };
  /** One text field was received, or one file was completely stored. */
  load: EventBase & ({ kind: 'field'; name: string; value: string } | { kind: 'file'; file: StoredFile });
  /** The request is over, successful or not. Emitted exactly once per request. */
  loadend: EventBase & { result: UploadResult; error: UploadError | undefined };
  /** The client went away before the body was complete. */
  abort: EventBase & { bytesReceived: number };
  /** The request or idle timeout fired. */
  timeout: EventBase & { kind: 'request' | 'idle'; afterMs: number };
  /** The request failed; the same error rejects the handler's promise. */
  error: EventBase & { error: UploadError };
  /** Side notes: warnings and removed files. */
  message: EventBase & ({ kind: 'warning'; text: string } | { kind: 'fileremoved'; key: string; reason: 'incomplete' | 'rollback' });
}

/** The name of an event. */
export type UploadEventName = keyof UploadEventMap;

/** A listener of event `E`. */
export type UploadEventListener<E extends UploadEventName> = (event: UploadEventMap[E]) => void;

/** Any event, tagged with its name: what per-request `onEvent` callbacks receive. */
export type AnyUploadEvent = { [E in UploadEventName]: { type: E } & UploadEventMap[E] }[UploadEventName];

import type { ServerResponse } from 'node:http';
import { UploadError } from '../errors/upload-error.js';

/** An AbortSignal tied to one response, and the way to stop watching it. */
export interface ClientGoneSignal {
  readonly signal: AbortSignal;
  /** Stops listening to the response; call once the upload has settled. */
  dispose(): void;
}

/**
 * Aborts when the response closes before it was finished: the client went
 * away (trpc's node-http adapter does the same). A response that closes after
 * it was written is the normal end of a request, not an abort.
 */
export function clientGoneSignal(res: ServerResponse): ClientGoneSignal {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort(new UploadError('CLIENT_ABORTED'));
  };
  if (res.closed || res.socket?.destroyed) onClose();
  else res.once('close', onClose);
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}

/**
 * Where a runtime's own HTTP server behaves differently from Node's, and the
 * adapter cannot change it, the case table is adjusted here, once, with the
 * measurement that justifies it.
 */
import { expect } from 'vitest';
import { HTTP_CASES } from '@sluice/core/testing';
import type { RemoteCase } from './remote-cases.js';

/** The row whose client keeps sending 4 MiB after the server has answered 413. */
export const LARGE_BODY_ROW = 'a large body over the limit: the client reads the 413 instead of a reset';

/**
 * Bun.serve and workerd close the connection once they have written a
 * response to a request whose body was not read to the end: a client still
 * sending gets EPIPE or ECONNRESET on a later write (measured here: Bun every
 * time with `Connection: close`; workerd every time, even when the Worker
 * keeps reading the body in `ctx.waitUntil`). With unread bytes in its
 * buffer, the closing side sends a reset, which can also discard the response
 * before the client reads it (seen with workerd once in about ten runs here).
 * On Node the adapter drains the rest instead.
 *
 * So on these servers the large-body row accepts a write error after the
 * response, or no response at all; when a response came, the runner still
 * checks the whole 413 JSON, and either way it checks the server's side (the
 * LIMIT_FILE_SIZE outcome, nothing stored, a normal upload afterwards). Every
 * other 413 row can meet the same reset whenever the server answers before
 * the last bytes arrived (seen with Bun on the chunked totalSize row under a
 * loaded CI run), so they too accept a lost response, keeping their own checks
 * for a response that came.
 */
export function casesForServersThatCloseEarly(): RemoteCase[] {
  if (!HTTP_CASES.some((c) => c.name === LARGE_BODY_ROW)) throw new Error(`the case table has no row "${LARGE_BODY_ROW}": update runtime-differences.ts`);
  return HTTP_CASES.map((testCase) => {
    if (testCase.name === LARGE_BODY_ROW) return { ...testCase, responseMayBeLost: true, check: ({ response }) => expect([undefined, 'EPIPE', 'ECONNRESET']).toContain(response.clientError) };
    return testCase.status === 413 ? { ...testCase, responseMayBeLost: true } : testCase;
  });
}

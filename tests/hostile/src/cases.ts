import { gzipSync } from 'node:zlib';
import type { TestMultipartBody } from '@sluice/core/testing';
import { BOUNDARY, KiB, MULTIPART, MiB, PNG, buildMultipart, chunkedEncoding, fileHeaders, headFor, lazy, random, rawMultipart, requestHead } from './bodies.js';
import type { CaseContext, HostileCase } from './hostile-case.js';
import { rawExchange, step, type RawStep } from './raw-client.js';

/** Head and body in one go, as most clients send. */
const send = (body: TestMultipartBody, headers: string[] = []): RawStep[] => [step.write(headFor(body, headers)), step.write(body.body)];

const field = (name: string, value: string) => ({ headers: [`Content-Disposition: form-data; name="${name}"`], content: value });

/**
 * Sends `plain` (a body of about the same size without the hostile shape) on
 * the same server and checks that the hostile body cost at most a small
 * constant factor more. A quadratic scan of a few MiB costs seconds to
 * minutes; the slack absorbs scheduling noise from concurrent cases.
 */
async function expectCheapComparedTo(context: CaseContext, plain: TestMultipartBody): Promise<void> {
  const baseline = await rawExchange({ port: context.port, steps: send(plain), timeoutMs: 8000 });
  context.expect(baseline.status, 'the plain body of the same size').toBe(200);
  context.expect(context.response.elapsedMs, `hostile ${context.response.elapsedMs} ms vs plain ${baseline.elapsedMs} ms`).toBeLessThan(baseline.elapsedMs * 10 + 1000);
}

/** The request failed on the server after reading at most `bytes` of the body: the limit held while streaming. */
function expectStoppedReadingBefore(context: CaseContext, bytes: number): void {
  const failed = context.probe.outcomes.find((outcome) => outcome.error);
  context.expect(failed, 'the server-side outcome').toBeDefined();
  context.expect(failed!.result.stats.bytesReceived).toBeLessThan(bytes);
}

/** A file part whose Content-Disposition carries `params` verbatim (bytes as given, UTF-8). */
function filenameBody(params: string, content = 'data'): TestMultipartBody {
  return rawMultipart([{ headers: [`Content-Disposition: form-data; name="file"; ${params}`, 'Content-Type: text/plain'], content }]);
}

/** The one stored file's sanitized name, which must be `safe`. */
const expectSafeName =
  (safe: string) =>
  ({ expect, files }: CaseContext): void => {
    expect(files).toHaveLength(1);
    expect(files[0]!.safeName).toBe(safe);
    expect(files[0]!.key.endsWith(`-${safe}`)).toBe(true);
  };

// ---- bodies shared by every adapter and storage (built once) ---------------

const tenThousandFields = lazy(() => buildMultipart(Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}`, value: 'x' }))));
const twoThousandEmptyFiles = lazy(() => buildMultipart(Array.from({ length: 2000 }, (_, i) => ({ name: 'file', filename: `e${i}.txt`, content: '' }))));
const threeFilesOfAMegabyte = lazy(() => buildMultipart(Array.from({ length: 3 }, (_, i) => ({ name: 'file', filename: `${i}.bin`, content: random(1_000_000) }))));
const sixMiBFile = lazy(() => buildMultipart([{ name: 'file', filename: 'big.bin', content: random(6 * MiB) }]));
const sevenMiBFile = lazy(() => buildMultipart([{ name: 'file', filename: 'big.bin', content: random(7 * MiB) }]));
const twelveMiBFile = lazy(() => buildMultipart([{ name: 'file', filename: 'big.bin', content: random(12 * MiB) }]));
const exactFileSize = lazy(() => random(MiB));
const crlfPreamble = lazy(() => {
  const body = buildMultipart([{ name: 'file', filename: 'a.txt', content: 'after the preamble', contentType: 'text/plain' }], BOUNDARY);
  return { ...body, body: Buffer.concat([Buffer.from('\r\n'.repeat(1.5 * MiB)), body.body]) };
});
/** Plain bodies of about the size of the hostile ones, in files of at most 1 000 000 bytes (under fileSize). */
const plainOfSize = (size: number): TestMultipartBody =>
  buildMultipart(Array.from({ length: Math.ceil(size / 1_000_000) }, (_, i) => ({ name: 'file', filename: `plain${i}.bin`, content: random(Math.min(1_000_000, size - i * 1_000_000)) })));
const plainOneMiB = lazy(() => plainOfSize(MiB));
const plainThreeMiB = lazy(() => plainOfSize(3 * MiB));
const crThenNoLineBreak = lazy(() => Buffer.concat([Buffer.from('\r'), Buffer.alloc(MiB - 1, 'a')]));
const LONG_BOUNDARY = 'a'.repeat(70);
const nearBoundaryContent = lazy(() => {
  // `\r\n--` and all but the last character of the boundary, over and over.
  const near = Buffer.from(`\r\n--${LONG_BOUNDARY.slice(0, 69)}`);
  const content = Buffer.alloc(MiB);
  for (let offset = 0; offset < content.length; offset += near.length) near.copy(content, offset);
  return content;
});
const oneLetterContent = lazy(() => Buffer.alloc(MiB, 'a'));
const headerCrThenNoLineBreak = lazy(() => {
  const body = Buffer.concat([Buffer.from(`--${BOUNDARY}\r\n\r`), Buffer.alloc(MiB, 'h'), Buffer.from(`\r\n\r\nx\r\n--${BOUNDARY}--\r\n`)]);
  return { boundary: BOUNDARY, contentType: MULTIPART, body };
});
const gzipBomb = lazy(() => {
  const body = buildMultipart([{ name: 'file', filename: 'zeros.bin', content: Buffer.alloc(16 * MiB) }]);
  return { ...body, body: gzipSync(body.body) };
});
const smallFile = lazy(() => buildMultipart([{ name: 'file', filename: 'small.txt', content: 'small and valid', contentType: 'text/plain' }]));
const midFile = lazy(() => buildMultipart([{ name: 'file', filename: 'mid.bin', content: random(900 * KiB) }]));

/**
 * The hostile table. Every class of HOSTILE-INPUTS.md (1-15) has rows; ids are
 * `<class>.<n>`. The suite's limits (see run-cases.ts): fileSize 1 MiB,
 * totalSize 8 MiB, files 10, fields 100, fieldSize 64 KiB, headerPairs 50,
 * idle 500 ms, request 3 s, and only safe types allowed.
 */
export const HOSTILE_CASES: readonly HostileCase[] = [
  // 1. Parser crashes from one request
  {
    id: '1.1',
    name: 'a part header line starting with a space (dicer CVE-2022-24434)',
    steps: () => send(rawMultipart([{ headers: [' Content-Disposition: form-data; name="a"'], content: 'v' }])),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '1.2',
    name: 'a body that ends early, inside a file (multer CVE-2025-47944)',
    steps: () => {
      const whole = buildMultipart([{ name: 'file', filename: 'a.bin', content: random(100 * KiB) }]);
      return send({ ...whole, body: whole.body.subarray(0, 60 * KiB) });
    },
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '1.3',
    name: 'a closing boundary cut short (multer CVE-2025-7338)',
    steps: () => {
      const body = rawMultipart([field('a', 'v')], { close: false });
      return send({ ...body, body: Buffer.concat([body.body, Buffer.from(`\r\n--${BOUNDARY}-`)]) });
    },
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '1.4',
    name: 'an empty field name (multer CVE-2025-48997)',
    steps: () => send(rawMultipart([{ headers: fileHeaders('', 'a.txt', 'text/plain'), content: 'x' }])),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '1.5',
    name: 'multipart/form-data without a boundary (busboy throws synchronously)',
    steps: () => send({ ...smallFile(), contentType: 'multipart/form-data; charset=utf-8' }),
    expect: { status: 400, code: 'MISSING_BOUNDARY' },
  },
  {
    id: '1.6',
    name: 'a media type busboy does not parse (text/plain)',
    steps: () => send({ ...smallFile(), contentType: 'text/plain' }),
    expect: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  },
  {
    id: '1.7',
    name: 'no Content-Type at all',
    steps: () => [step.write(requestHead({ contentType: null, contentLength: smallFile().body.length })), step.write(smallFile().body)],
    expect: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  },
  {
    id: '1.8',
    name: 'a part without a Content-Disposition (busboy drops it silently)',
    steps: () => send(rawMultipart([field('a', 'kept'), { headers: ['Content-Type: text/plain'], content: 'vanishes' }])),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '1.9',
    name: 'a file part whose Content-Disposition is folded onto a second line (busboy drops the file, 2xx)',
    steps: () => send(rawMultipart([{ headers: ['Content-Disposition: form-data; name="file"', ' filename="a.txt"', 'Content-Type: text/plain'], content: 'x' }])),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },

  // 2. Unbounded parts, fields, files, part-header lines
  {
    id: '2.1',
    name: '10,000 tiny fields (Starlette CVE-2023-30798)',
    steps: () => send(tenThousandFields()),
    expect: { status: 413, code: 'LIMIT_FIELDS' },
    check: (context) => expectStoppedReadingBefore(context, tenThousandFields().body.length),
  },
  {
    id: '2.2',
    name: '2,000 empty files (@fastify/multipart CVE-2023-25576)',
    steps: () => send(twoThousandEmptyFiles()),
    expect: { status: 413, code: 'LIMIT_FILES' },
    check: (context) => expectStoppedReadingBefore(context, twoThousandEmptyFiles().body.length),
  },
  {
    id: '2.3',
    name: 'a part with 300 header lines, over headerPairs 50 (Go CVE-2023-24536)',
    steps: () => send(rawMultipart([{ headers: [...fileHeaders('file', 'a.txt', 'text/plain'), ...Array.from({ length: 298 }, (_, i) => `X-Line-${i}: v`)], content: 'x' }])),
    expect: { status: 413, code: 'LIMIT_HEADER_PAIRS' },
  },
  {
    id: '2.4',
    name: 'a part with exactly headerPairs (50) header lines is accepted',
    steps: () => send(rawMultipart([{ headers: [...fileHeaders('file', 'a.txt', 'text/plain'), ...Array.from({ length: 48 }, (_, i) => `X-Line-${i}: v`)], content: 'fifty lines' }])),
    expect: { status: 200, files: [{ field: 'file', content: Buffer.from('fifty lines') }] },
  },
  {
    id: '2.5',
    name: 'a part header block over 16 KiB',
    steps: () => send(rawMultipart([{ headers: [...fileHeaders('file', 'a.txt'), `X-Big: ${'b'.repeat(20 * KiB)}`], content: 'x' }])),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },

  // 3. Limits that don't hold
  {
    id: '3.1',
    name: 'a chunked body without Content-Length over totalSize (hono CVE-2026-44456)',
    options: { limits: { totalSize: 2 * MiB } },
    steps: () => [step.write(requestHead({ contentType: threeFilesOfAMegabyte().contentType, headers: ['Transfer-Encoding: chunked'] })), step.write(chunkedEncoding(threeFilesOfAMegabyte().body))],
    expect: { status: 413, code: 'LIMIT_TOTAL_SIZE' },
    // Counted per chunk read: the chunk that crosses the limit is the last one read.
    check: (context) => expectStoppedReadingBefore(context, 2 * MiB + 128 * KiB),
  },
  {
    id: '3.2',
    name: 'Content-Length 10 GiB: 413 from the head, before a byte of body',
    steps: () => [step.write(requestHead({ contentLength: 10 * 1024 ** 3 })), step.awaitResponse(3000), step.write(random(64 * KiB))],
    expect: { status: 413, code: 'LIMIT_TOTAL_SIZE' },
    check: ({ expect, response }) => expect(response.bytesSentBeforeResponse).toBe(requestHead({ contentLength: 10 * 1024 ** 3 }).length),
  },
  {
    id: '3.3',
    name: 'Expect: 100-continue with 10 GiB: 413 from the head, no 100 Continue',
    steps: () => [step.write(requestHead({ contentLength: 10 * 1024 ** 3, headers: ['Expect: 100-continue'] })), step.awaitContinue(3000), step.write(random(64 * KiB))],
    expect: { status: 413, code: 'LIMIT_TOTAL_SIZE' },
    check: ({ expect, response }) => {
      expect(response.informational).toEqual([]);
      expect(response.bytesSentBeforeResponse).toBe(requestHead({ contentLength: 10 * 1024 ** 3, headers: ['Expect: 100-continue'] }).length);
    },
  },
  {
    id: '3.4',
    name: 'Expect: 100-continue with a valid upload: 100 Continue, then 2xx',
    steps: () => [step.write(headFor(smallFile(), ['Expect: 100-continue'])), step.awaitContinue(3000), step.write(smallFile().body)],
    expect: { status: 200, files: [{ field: 'file', content: Buffer.from('small and valid') }] },
    check: ({ expect, response }) => expect(response.informational).toEqual([100]),
  },
  {
    id: '3.5',
    name: 'a 6 MiB file over fileSize: the 413 is read, not a reset, and the limit held while streaming (formidable#971)',
    steps: () => send(sixMiBFile()),
    expect: { status: 413, code: 'LIMIT_FILE_SIZE' },
    check: (context) => {
      context.expect(context.response.resetBeforeResponse).toBe(false);
      expectStoppedReadingBefore(context, 2 * MiB);
    },
  },
  {
    id: '3.6',
    name: 'a file of exactly fileSize is accepted',
    steps: () => send(buildMultipart([{ name: 'file', filename: 'exact.bin', content: exactFileSize() }])),
    expect: { status: 200, files: [{ field: 'file', content: exactFileSize() }] },
  },
  {
    id: '3.7',
    name: 'a field over fieldSize fails instead of being truncated (busboy#76)',
    steps: () => send(buildMultipart([{ name: 'note', value: 'n'.repeat(64 * KiB + 1) }])),
    expect: { status: 413, code: 'LIMIT_FIELD_SIZE' },
  },
  {
    id: '3.8',
    name: 'a file over fileSize after storage began writing it (S3: a multipart upload started, then aborted)',
    // A longer request timeout: this case is about the limit, not the clock, and S3 takes its time.
    options: { limits: { fileSize: 6 * MiB }, requestTimeoutMs: 10_000 },
    steps: () => send(sevenMiBFile()),
    expect: { status: 413, code: 'LIMIT_FILE_SIZE' },
    check: ({ expect, storage }) => {
      if (storage.kind !== 's3') return;
      expect(storage.commands).toContain('CreateMultipartUploadCommand');
      expect(storage.commands).toContain('AbortMultipartUploadCommand');
    },
  },
  {
    id: '3.9',
    name: 'a flood of chunk extensions',
    steps: () => [step.write(requestHead({ headers: ['Transfer-Encoding: chunked'] })), step.write(`10;${'e'.repeat(20 * KiB)}\r\n`), step.wait(2000)],
    expect: {
      status: 413,
      statusOn: { fastify: 400 },
      byNode:
        "llhttp refuses chunk extensions over 16 KiB while parsing, before the body reaches any listener; Fastify's clientError handler answers such parse errors with 400 where Node's own answer is 413",
    },
  },

  // 4. Scanning cost
  {
    id: '4.1',
    name: '3 MiB of CRLF before the first boundary (python-multipart CVE-2024-53981)',
    steps: () => send(crlfPreamble()),
    expect: { status: 200, files: [{ field: 'file', content: Buffer.from('after the preamble') }] },
    check: (context) => expectCheapComparedTo(context, plainThreeMiB()),
  },
  {
    id: '4.2',
    name: 'a file starting with CR, then 1 MiB without a line break (Werkzeug CVE-2023-46136)',
    steps: () => send(buildMultipart([{ name: 'file', filename: 'cr.bin', content: crThenNoLineBreak() }])),
    expect: { status: 200, files: [{ field: 'file', content: crThenNoLineBreak() }] },
    check: (context) => expectCheapComparedTo(context, plainOneMiB()),
  },
  {
    id: '4.3',
    name: 'file content full of near-boundary sequences, byte-exact',
    steps: () => send(buildMultipart([{ name: 'file', filename: 'near.bin', content: nearBoundaryContent() }], LONG_BOUNDARY)),
    expect: { status: 200, files: [{ field: 'file', content: nearBoundaryContent() }] },
    check: (context) => expectCheapComparedTo(context, plainOneMiB()),
  },
  {
    id: '4.4',
    name: 'a 70-character one-letter boundary over content of that letter (skip-table worst case)',
    steps: () => send(buildMultipart([{ name: 'file', filename: 'a.bin', content: oneLetterContent() }], LONG_BOUNDARY)),
    expect: { status: 200, files: [{ field: 'file', content: oneLetterContent() }] },
    check: (context) => expectCheapComparedTo(context, plainOneMiB()),
  },
  {
    id: '4.5',
    name: 'a part header starting with CR, then 1 MiB without a line break',
    steps: () => send(headerCrThenNoLineBreak()),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
    check: (context) => expectStoppedReadingBefore(context, 512 * KiB),
  },

  // 5. Hangs
  {
    id: '5.1',
    name: 'the epilogue arrives in a later write (fastify/busboy#228)',
    steps: () => {
      const body = rawMultipart([field('a', 'v')]);
      const epilogue = 'an epilogue, sent later';
      return [step.write(requestHead({ contentLength: body.body.length + epilogue.length })), step.write(body.body), step.wait(100), step.write(epilogue)];
    },
    expect: { status: 200, fields: { a: 'v' } },
  },
  {
    id: '5.2',
    name: 'a body whose boundary differs from the header (fastify/busboy#121)',
    steps: () => send({ ...rawMultipart([field('a', 'v')], { boundary: 'SomethingElse' }), contentType: MULTIPART }),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '5.3',
    name: 'a part header block that never ends before the body does',
    steps: () => send({ boundary: BOUNDARY, contentType: MULTIPART, body: Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\nX-Never: ends`) }),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '5.4',
    name: 'a closing boundary early in a chunk, then a file part left open (busboy 1.6 hang, found by fuzzing)',
    steps: () => {
      // The fuzz counterexample of packages/core/test/handler/failures.test.ts:
      // `\r\n--B--` before a valid body whose last CRLF before the closing boundary was overwritten.
      const valid = buildMultipart(
        [
          { name: 'title', value: 't' },
          { name: 'f', filename: 'a.bin', content: 'abc' },
          { name: 'g', filename: 'b.txt', content: 'second' },
        ],
        'FzB',
      ).body;
      valid[valid.length - '\r\n--FzB--\r\n'.length] = 0;
      return send({ boundary: 'FzB', contentType: 'multipart/form-data; boundary=FzB', body: Buffer.concat([Buffer.from('\r\n--FzB--'), valid]) });
    },
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },

  // 6. Leaks on abort or error
  {
    id: '6.1',
    name: 'the client aborts mid-file (multer CVE-2025-47935)',
    steps: (probe) => [step.write(headFor(midFile())), step.write(midFile().body.subarray(0, 500 * KiB)), step.until(() => probe.bytesReceived() >= 400 * KiB, 3000), step.destroy()],
    expect: { status: null, code: 'CLIENT_ABORTED' },
  },
  {
    id: '6.2',
    name: 'the client aborts after one file completed: that file is removed too (all-or-nothing)',
    steps: (probe) => {
      const body = buildMultipart([
        { name: 'file', filename: 'done.txt', content: 'complete', contentType: 'text/plain' },
        { name: 'file', filename: 'cut.bin', content: random(900 * KiB) },
      ]);
      return [step.write(headFor(body)), step.write(body.body.subarray(0, 400 * KiB)), step.until(() => probe.bytesReceived() >= 300 * KiB, 3000), step.wait(100), step.destroy()];
    },
    expect: { status: null, code: 'CLIENT_ABORTED' },
  },
  {
    id: '6.3',
    name: 'the client aborts while an S3 multipart upload is in flight (anacronw/multer-s3#88)',
    options: { limits: { fileSize: 16 * MiB, totalSize: 32 * MiB }, requestTimeoutMs: 10_000 },
    timeoutMs: 15_000,
    steps: (probe) => [
      step.write(headFor(twelveMiBFile())),
      step.write(twelveMiBFile().body.subarray(0, 8 * MiB)),
      step.until(() => probe.bytesReceived() >= 7 * MiB, 5000),
      step.wait(300),
      step.destroy(),
    ],
    expect: { status: null, code: 'CLIENT_ABORTED' },
    check: ({ expect, storage }) => {
      if (storage.kind !== 's3') return;
      expect(storage.commands).toContain('CreateMultipartUploadCommand');
      expect(storage.commands).toContain('AbortMultipartUploadCommand');
    },
  },
  {
    id: '6.4',
    name: 'a failure after the first file was stored removes it (rollback)',
    steps: () =>
      send(
        buildMultipart([
          { name: 'file', filename: 'fine.txt', content: 'fine', contentType: 'text/plain' },
          { name: 'file', filename: 'big.bin', content: random(MiB + 1) },
        ]),
      ),
    expect: { status: 413, code: 'LIMIT_FILE_SIZE' },
  },

  // 7. Compression bombs
  {
    id: '7.1',
    name: 'Content-Encoding: gzip, 16 KiB that inflate to 16 MiB (expressjs/body-parser#511)',
    steps: () => send(gzipBomb(), ['Content-Encoding: gzip']),
    expect: { status: 415, code: 'UNSUPPORTED_CONTENT_ENCODING' },
  },
  {
    id: '7.2',
    name: 'Content-Encoding: deflate with Expect: 100-continue is refused from the head',
    steps: () => [step.write(headFor(smallFile(), ['Content-Encoding: deflate', 'Expect: 100-continue'])), step.awaitContinue(3000)],
    expect: { status: 415, code: 'UNSUPPORTED_CONTENT_ENCODING' },
    check: ({ expect, response }) => expect(response.informational).toEqual([]),
  },

  // 8. Slow clients
  {
    id: '8.1',
    name: 'request headers dripped a byte every 50 ms, slower than headersTimeout (slowloris)',
    timeoutMs: 6000,
    steps: () => [step.drip(headFor(smallFile()), 1, 50), step.write(smallFile().body)],
    expect: { status: 408, byNode: "headersTimeout is Node's: the request never reaches a listener until its head is complete" },
    check: ({ expect, response }) => expect(response.elapsedMs).toBeLessThan(2500),
  },
  {
    id: '8.2',
    name: 'a request head that stops half way',
    steps: () => [step.write(headFor(smallFile()).slice(0, 40)), step.wait(4000)],
    expect: { status: 408, byNode: "headersTimeout is Node's: the request never reaches a listener until its head is complete" },
    check: ({ expect, response }) => expect(response.elapsedMs).toBeLessThan(2500),
  },
  {
    id: '8.3',
    name: 'a body dripped a byte every 100 ms: never idle, always too slow',
    steps: () => [step.write(headFor(smallFile())), step.drip(smallFile().body, 1, 100)],
    expect: { status: 408, code: 'REQUEST_TIMEOUT' },
    check: ({ expect, response }) => expect(response.elapsedMs).toBeLessThan(5000),
  },
  {
    id: '8.4',
    name: 'a body that stops (expressjs/multer#1411)',
    steps: () => [step.write(headFor(midFile())), step.write(midFile().body.subarray(0, 100 * KiB)), step.wait(5000)],
    expect: { status: 408, code: 'IDLE_TIMEOUT' },
    check: ({ expect, response }) => expect(response.elapsedMs).toBeLessThan(2000),
  },

  // 9. Filenames (2xx with a safe key; every stored key is also checked by the runner)
  {
    id: '9.1',
    name: 'filename ../../etc/passwd',
    steps: () => send(filenameBody('filename="../../etc/passwd"')),
    expect: { status: 200 },
    check: expectSafeName('passwd'),
  },
  {
    id: '9.2',
    name: 'an absolute filename /etc/passwd',
    steps: () => send(filenameBody('filename="/etc/passwd"')),
    expect: { status: 200 },
    check: expectSafeName('passwd'),
  },
  {
    id: '9.3',
    name: 'a Windows path with real backslashes (C:\\Windows\\System32\\evil.dll)',
    steps: () => send(filenameBody("filename*=UTF-8''C%3A%5CWindows%5CSystem32%5Cevil.dll")),
    expect: { status: 200 },
    check: expectSafeName('evil.dll'),
  },
  {
    id: '9.4',
    name: 'a Windows path in a quoted filename (backslashes are escapes there)',
    steps: () => send(filenameBody('filename="..\\..\\boot.ini"')),
    expect: { status: 200 },
    check: ({ expect, files }) => expect(files[0]!.safeName).not.toMatch(/[\\/]|^\./),
  },
  {
    id: '9.5',
    name: 'a NUL in the name (evil.php%00.png, percent-encoded in filename*)',
    steps: () => send(filenameBody("filename*=UTF-8''evil.php%00.png")),
    expect: { status: 200 },
    check: expectSafeName('evil.php.png'),
  },
  {
    id: '9.6',
    name: 'a raw NUL byte in the part header',
    steps: () => send(filenameBody('filename="evil.php\0.png"')),
    // Control bytes are not allowed in a header value (RFC 9110 §5.5); busboy refuses the header block.
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '9.7',
    name: 'CR/LF and a quote, percent-encoded as browsers send them',
    steps: () => send(filenameBody('filename="a%0D%0AContent-Type: text/html%22.txt"')),
    expect: { status: 200 },
    check: ({ expect, files }) => expect(files[0]!.safeName).not.toMatch(/["\r\n]/),
  },
  {
    id: '9.8',
    name: 'CR/LF and a quote decoded from filename* (header injection on download)',
    steps: () => send(filenameBody("filename*=UTF-8''a%0D%0AX-Injected%3A%201%22.txt")),
    expect: { status: 200 },
    check: ({ expect, files }) => {
      expect(files[0]!.name).toContain('\r\n');
      expect(files[0]!.safeName).not.toMatch(/["\r\n]/);
    },
  },
  {
    id: '9.9',
    name: 'an RTL override U+202E (evil\u202Egnp.exe shows as evilexe.png)',
    steps: () => send(filenameBody('filename="evil\u202Egnp.exe"')),
    expect: { status: 200 },
    check: expectSafeName('evilgnp.exe'),
  },
  {
    id: '9.10',
    name: 'fullwidth dots and solidus that become ../ under NFKC',
    steps: () => send(filenameBody('filename="．．／．．／etc／passwd"')),
    expect: { status: 200 },
    check: expectSafeName('passwd'),
  },
  {
    id: '9.11',
    name: 'an 8 KB file name',
    steps: () => send(filenameBody(`filename="${'n'.repeat(8 * KiB)}.txt"`)),
    expect: { status: 200 },
    check: ({ expect, files }) => {
      expect(files[0]!.name).toHaveLength(8 * KiB + 4);
      expect(Buffer.byteLength(files[0]!.safeName)).toBeLessThanOrEqual(120);
      expect(files[0]!.safeName.endsWith('.txt')).toBe(true);
    },
  },
  {
    id: '9.12',
    name: 'a file name of only dots (..)',
    steps: () => send(filenameBody('filename=".."')),
    expect: { status: 200 },
    // Nothing of the name is left: a generated one with the extension of its type (text/plain).
    check: expectSafeName('file.txt'),
  },

  // 10. Parser differentials
  {
    id: '10.1',
    name: 'filename* and filename disagree (busboy takes filename*)',
    steps: () => send(filenameBody(`filename="safe.txt"; filename*=UTF-8''..%2F..%2Fevil.php`)),
    expect: { status: 200 },
    check: ({ expect, files }) => {
      expect(files[0]!.name).toBe('evil.php');
      expect(files[0]!.safeName).toBe('evil.php');
    },
  },
  {
    id: '10.2',
    name: 'duplicate Content-Disposition headers in one part',
    steps: () =>
      send(
        rawMultipart([
          {
            headers: ['Content-Disposition: form-data; name="file"; filename="safe.txt"', 'Content-Disposition: form-data; name="file"; filename="evil.php"', 'Content-Type: text/plain'],
            content: 'x',
          },
        ]),
      ),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '10.3',
    name: 'bare LF line endings',
    steps: () => send(rawMultipart([field('a', 'v'), { headers: fileHeaders('file', 'a.txt', 'text/plain'), content: 'x' }], { eol: '\n' })),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  // Issue 11: what real clients send is read, and only where one reading exists.
  {
    id: '10.4',
    name: 'a raw quote and a raw CRLF inside a quoted filename (form-data before 4.0.5): the one reading is taken',
    steps: () => send(rawMultipart([{ headers: ['Content-Disposition: form-data; name="file"; filename="say "hi"\r\nnow.txt"', 'Content-Type: text/plain'], content: 'raw quoted' }])),
    expect: { status: 200, files: [{ field: 'file', content: Buffer.from('raw quoted') }] },
    check: ({ expect, files }) => {
      expect(files[0]!.name).toBe('say "hi"\r\nnow.txt');
      expect(files[0]!.safeName).not.toMatch(/["\r\n]/);
    },
  },
  {
    id: '10.5',
    name: 'a raw quote followed by what reads as another parameter (two readings): refused',
    steps: () => send(rawMultipart([{ headers: ['Content-Disposition: form-data; name="file"; filename="safe.txt" name="evil.php"', 'Content-Type: text/plain'], content: 'x' }])),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '10.6',
    name: 'a raw line break in a quoted filename followed by a header-like line: refused',
    steps: () => send(rawMultipart([{ headers: ['Content-Disposition: form-data; name="file"; filename="a\r\nContent-Type: text/html"', 'Content-Type: text/plain'], content: 'x' }])),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '10.7',
    name: 'a Content-Disposition folded the RFC 5322 way (after a ;) is unfolded',
    steps: () => send(rawMultipart([{ headers: ['Content-Disposition: form-data; name="file";', ' filename="folded.txt"', 'Content-Type: text/plain'], content: 'folded' }])),
    expect: { status: 200, files: [{ field: 'file', content: Buffer.from('folded') }] },
    check: expectSafeName('folded.txt'),
  },

  // 11. Field names
  {
    id: '11.1',
    name: 'field names __proto__, constructor[prototype], toString',
    steps: () =>
      send(
        rawMultipart([
          field('__proto__', '{"polluted":"yes"}'),
          field('__proto__[polluted]', 'yes'),
          field('constructor[prototype][polluted]', 'yes'),
          field('constructor', 'x'),
          field('toString', 'x'),
          field('hasOwnProperty', 'x'),
        ]),
      ),
    expect: {
      status: 200,
      // A computed key: a literal `__proto__: '...'` would not create a property.
      fields: { ['__proto__']: '{"polluted":"yes"}', '__proto__[polluted]': 'yes', 'constructor[prototype][polluted]': 'yes', constructor: 'x', toString: 'x', hasOwnProperty: 'x' },
    },
    check: ({ expect, response }) => {
      expect(Object.hasOwn(response.json.fields, '__proto__')).toBe(true);
      // The server runs in this process: nothing leaked into any prototype.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
      expect(typeof ({} as object).toString).toBe('function');
    },
  },
  {
    id: '11.2',
    name: 'a file field named __proto__',
    steps: () => send(rawMultipart([{ headers: fileHeaders('__proto__', 'a.txt', 'text/plain'), content: 'proto file' }])),
    expect: { status: 200, files: [{ field: '__proto__', content: Buffer.from('proto file') }] },
    check: ({ expect, response }) => {
      expect(Object.hasOwn(response.json.files, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  },

  // 12. Declared content type trusted
  {
    id: '12.1',
    name: 'declared image/png, content is HTML',
    steps: () => send(buildMultipart([{ name: 'file', filename: 'cat.png', content: '<!doctype html><html><script>alert(document.cookie)</script></html>', contentType: 'image/png' }])),
    expect: { status: 415, code: 'TYPE_NOT_ALLOWED' },
  },
  {
    id: '12.2',
    name: 'an SVG with a script',
    steps: () =>
      send(
        buildMultipart([{ name: 'file', filename: 'logo.svg', content: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', contentType: 'image/svg+xml' }]),
      ),
    expect: { status: 415, code: 'TYPE_NOT_ALLOWED' },
  },
  {
    id: '12.3',
    name: 'HTML declared text/plain with a .txt name',
    steps: () => send(buildMultipart([{ name: 'file', filename: 'notes.txt', content: '<html><body onload="alert(1)">', contentType: 'text/plain' }])),
    expect: { status: 415, code: 'TYPE_NOT_ALLOWED' },
  },
  {
    id: '12.4',
    name: 'a real PNG is accepted and typed by its bytes',
    steps: () => send(buildMultipart([{ name: 'file', filename: 'dot.bin', content: PNG, contentType: 'application/octet-stream' }])),
    expect: { status: 200, files: [{ field: 'file', content: PNG }] },
    check: ({ expect, files }) => expect(files[0]!.type).toBe('image/png'),
  },

  // 13. Boundary abuse
  {
    id: '13.1',
    name: 'an empty boundary',
    steps: () => send({ ...smallFile(), contentType: 'multipart/form-data; boundary=""' }),
    expect: { status: 400, code: 'INVALID_BOUNDARY' },
  },
  {
    id: '13.2',
    name: 'no boundary parameter',
    steps: () => send({ ...smallFile(), contentType: 'multipart/form-data' }),
    expect: { status: 400, code: 'MISSING_BOUNDARY' },
  },
  {
    id: '13.3',
    name: 'a 71-character boundary (RFC 2046 allows 70)',
    steps: () => send(buildMultipart([{ name: 'a', value: 'v' }], 'b'.repeat(71))),
    expect: { status: 400, code: 'INVALID_BOUNDARY' },
  },
  {
    id: '13.4',
    name: 'a 70-character boundary is accepted',
    steps: () => send(buildMultipart([{ name: 'a', value: 'v' }], 'b'.repeat(70))),
    expect: { status: 200, fields: { a: 'v' } },
  },
  {
    id: '13.5',
    name: 'the body uses a prefix of the header boundary',
    steps: () => send({ ...rawMultipart([field('a', 'v')], { boundary: BOUNDARY.slice(0, 10) }), contentType: MULTIPART }),
    expect: { status: 400, code: 'MALFORMED_REQUEST' },
  },
  {
    id: '13.6',
    name: 'a boundary with characters RFC 2046 does not allow',
    steps: () => send({ ...smallFile(), contentType: 'multipart/form-data; boundary="a{b}c"' }),
    expect: { status: 400, code: 'INVALID_BOUNDARY' },
  },

  // 14. HTTP framing
  {
    id: '14.1',
    name: 'Content-Length shorter than the body',
    steps: () => [step.write(requestHead({ contentLength: smallFile().body.length - 20, contentType: smallFile().contentType })), step.write(smallFile().body), step.wait(2000)],
    expect: {
      status: 400,
      byNode: "the bytes past Content-Length are parsed as a next request on the connection; Node's parser refuses them with its own 400 before the handler answers",
    },
  },
  {
    id: '14.2',
    name: 'Content-Length longer than the body; the client waits',
    steps: () => [step.write(requestHead({ contentLength: smallFile().body.length + 100, contentType: smallFile().contentType })), step.write(smallFile().body), step.wait(4000)],
    expect: { status: 408, code: 'IDLE_TIMEOUT' },
  },
  {
    id: '14.3',
    name: 'Content-Length longer than the body; the client half-closes',
    steps: () => [step.write(requestHead({ contentLength: smallFile().body.length + 100, contentType: smallFile().contentType })), step.write(smallFile().body), step.end(), step.wait(3000)],
    expect: { status: 400, byNode: "an end of stream inside a Content-Length body is a parse error in Node's HTTP parser, which answers 400 itself and destroys the socket" },
  },
  {
    id: '14.4',
    name: 'half-close right after a complete body: the 2xx still arrives',
    steps: () => [...send(smallFile()), step.end()],
    expect: { status: 200, files: [{ field: 'file', content: Buffer.from('small and valid') }] },
  },
  {
    id: '14.5',
    name: 'Transfer-Encoding and Content-Length together (request smuggling)',
    steps: () => [
      step.write(requestHead({ contentLength: smallFile().body.length, contentType: smallFile().contentType, headers: ['Transfer-Encoding: chunked'] })),
      step.write(smallFile().body),
      step.wait(2000),
    ],
    expect: { status: 400, byNode: 'llhttp refuses the ambiguous framing while parsing the head' },
  },
  {
    id: '14.6',
    name: 'a malformed chunk size in the middle of a chunked body',
    steps: () => {
      const body = midFile().body.subarray(0, 20_000);
      // Two whole chunks of 10 000 bytes ("2710\r\n" + data + "\r\n"), then garbage where a size belongs.
      return [
        step.write(requestHead({ contentType: midFile().contentType, headers: ['Transfer-Encoding: chunked'] })),
        step.write(chunkedEncoding(body, 10_000).subarray(0, 2 * 10_008)),
        step.wait(100),
        step.write('zz\r\n'),
        step.wait(2000),
      ];
    },
    expect: { status: 400, byNode: "the chunked framing is decoded by Node's parser, which answers 400 itself and destroys the socket; the handler sees an aborted body" },
  },
  {
    id: '14.7',
    name: 'request headers over 16 KiB',
    steps: () => [
      step.write(requestHead({ contentLength: smallFile().body.length, contentType: smallFile().contentType, headers: [`X-Padding: ${'p'.repeat(20 * KiB)}`] })),
      step.write(smallFile().body),
    ],
    expect: { status: 431, byNode: "maxHeaderSize (16 KiB) is enforced by Node's parser before the request exists" },
  },
  {
    id: '14.8',
    name: 'a Content-Length that is not a number',
    steps: () => [step.write(requestHead({ contentLength: '12abc', contentType: smallFile().contentType })), step.write(smallFile().body), step.wait(2000)],
    expect: { status: 400, byNode: 'llhttp refuses an invalid Content-Length while parsing the head' },
  },

  // 15. Guessable stored names
  {
    id: '15.1',
    name: 'same-named files get different crypto-random keys, within and across requests',
    steps: () => send(buildMultipart(Array.from({ length: 5 }, () => ({ name: 'file', filename: 'same.txt', content: 'same', contentType: 'text/plain' })))),
    expect: { status: 200, files: Array.from({ length: 5 }, () => ({ field: 'file', content: Buffer.from('same') })) },
    check: async ({ expect, files, port }) => {
      const again = await rawExchange({ port, steps: send(buildMultipart([{ name: 'file', filename: 'same.txt', content: 'same', contentType: 'text/plain' }])), timeoutMs: 8000 });
      expect(again.status).toBe(200);
      const ids = [...files, ...(again.json.files.file as Array<{ key: string }>)].map((file) => /([0-9a-f]{32})-same\.txt$/.exec(file.key)?.[1]);
      expect(ids.every((id) => id !== undefined)).toBe(true);
      expect(new Set(ids).size).toBe(6);
    },
  },
];

import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { bytes, field, file, type HttpCase, truncatedMultipart, withHeaders } from './http-case-kit.js';
import { buildMultipart } from './multipart-body.js';
import type { StoredFile, UploadResult } from '../result/types.js';

export { storedFiles, type HttpCase, type HttpCaseContext } from './http-case-kit.js';

/**
 * The table. Limits are small so each row is fast; every error row is also
 * checked by the runner for the JSON shape, an empty store and a server that
 * still takes a normal upload afterwards.
 */
export const HTTP_CASES: readonly HttpCase[] = [
  {
    name: 'one file: the result JSON has the documented shape',
    parts: [file('file', 'hello.txt', 'hello, sluice\n', 'text/plain')],
    status: 200,
    check({ response, request }) {
      const upload = response.json.upload as UploadResult;
      expect(Object.keys(upload).sort()).toEqual(['fields', 'files', 'incomplete', 'requestId', 'stats']);
      expect(upload.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(upload.incomplete).toEqual([]);
      expect(upload.stats).toMatchObject({ bytesReceived: request.body.length, bytesWritten: 14, filesCompleted: 1, filesRemoved: 0 });
      const [stored] = upload.files.file!;
      expect(stored).toMatchObject({
        field: 'file',
        name: 'hello.txt',
        safeName: 'hello.txt',
        type: 'text/plain',
        declaredType: 'text/plain',
        size: 14,
        checksums: { sha256: createHash('sha256').update('hello, sluice\n').digest('hex') },
      });
      expect(stored!.key).toMatch(/hello\.txt$/);
      expect(typeof stored!.lastModified).toBe('number');
    },
  },
  {
    name: 'several files in several fields',
    parts: [file('avatar', 'me.bin', bytes(70_000)), file('doc', 'cv.bin', bytes(130_000)), file('doc2', 'x.bin', bytes(10))],
    status: 200,
    check: ({ response }) => expect(Object.keys(response.json.files).sort()).toEqual(['avatar', 'doc', 'doc2']),
  },
  {
    name: 'repeated file field names keep every file in order',
    parts: [file('docs', 'a.bin', bytes(100)), file('docs', 'b.bin', bytes(200)), file('docs', 'c.bin', bytes(300))],
    status: 200,
    check: ({ response }) => expect(response.json.files.docs.map((f: StoredFile) => f.name)).toEqual(['a.bin', 'b.bin', 'c.bin']),
  },
  {
    name: 'repeated text field names become an array',
    parts: [field('tag', 'a'), field('tag', 'b'), field('tag', 'c'), field('single', 'one')],
    status: 200,
    check: ({ response }) => expect(response.json.fields).toEqual({ tag: ['a', 'b', 'c'], single: 'one' }),
  },
  {
    name: 'fields before and after files',
    parts: [field('title', 'before'), file('file', 'a.bin', bytes(50_000)), field('note', 'after'), file('file', 'b.bin', bytes(10)), field('end', 'last')],
    status: 200,
    check: ({ response }) => {
      expect(response.json.fields).toEqual({ title: 'before', note: 'after', end: 'last' });
      expect(response.json.files.file).toHaveLength(2);
    },
  },
  {
    name: 'a UTF-8 file name arrives intact',
    parts: [file('file', 'naïve 日本.txt', 'unicode', 'text/plain')],
    status: 200,
    check: ({ response }) => expect(response.json.files.file[0].name).toBe('naïve 日本.txt'),
  },
  {
    name: 'a 0-byte file is stored',
    parts: [file('file', 'empty.txt', '', 'text/plain')],
    status: 200,
    check: ({ response, storage }) => {
      expect(response.json.files.file[0].size).toBe(0);
      expect(storage.read(response.json.files.file[0].key)).toEqual(Buffer.alloc(0));
    },
  },
  {
    name: 'field names like __proto__ stay plain fields',
    parts: [field('__proto__', 'x'), field('constructor[prototype]', 'y'), field('toString', 'z')],
    status: 200,
    check: ({ response }) => {
      expect(Object.hasOwn(response.json.fields, '__proto__')).toBe(true);
      expect(response.json.fields['constructor[prototype]']).toBe('y');
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    },
  },
  {
    name: 'fileSize: a file of exactly the limit is accepted',
    options: { limits: { fileSize: 1024 } },
    parts: [file('file', 'exact.bin', bytes(1024))],
    status: 200,
  },
  {
    name: 'fileSize: one byte over is 413 LIMIT_FILE_SIZE with the limit in the JSON',
    options: { limits: { fileSize: 1024 } },
    parts: [file('file', 'over.bin', bytes(1025))],
    status: 413,
    code: 'LIMIT_FILE_SIZE',
    check: ({ response }) => expect(response.json).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 1024 } }),
  },
  {
    name: 'fileSize: a later file over the limit rolls back the earlier ones',
    options: { limits: { fileSize: 1000 } },
    parts: [file('file', 'fine.bin', bytes(100)), file('file', 'big.bin', bytes(5000))],
    status: 413,
    code: 'LIMIT_FILE_SIZE',
  },
  {
    name: 'totalSize: a declared Content-Length over the limit is 413 LIMIT_TOTAL_SIZE',
    options: { limits: { totalSize: 2000 } },
    parts: [file('file', 'a.bin', bytes(3000))],
    status: 413,
    code: 'LIMIT_TOTAL_SIZE',
    check: ({ response }) => expect(response.json.error).toMatchObject({ limit: 'totalSize', max: 2000 }),
  },
  {
    name: 'totalSize: a chunked body over the limit is 413 LIMIT_TOTAL_SIZE',
    options: { limits: { totalSize: 20_000 } },
    request: () => {
      const { body, contentType } = buildMultipart([file('file', 'a.bin', bytes(60_000))]);
      return { headers: { 'content-type': contentType }, body, chunked: true, chunkSize: 4096 };
    },
    status: 413,
    code: 'LIMIT_TOTAL_SIZE',
  },
  {
    name: 'files: exactly the limit is accepted',
    options: { limits: { files: 2 } },
    parts: [file('f', 'a.bin', bytes(10)), file('f', 'b.bin', bytes(10))],
    status: 200,
  },
  {
    name: 'files: one more is 413 LIMIT_FILES',
    options: { limits: { files: 2 } },
    parts: [file('f', 'a.bin', bytes(10)), file('f', 'b.bin', bytes(10)), file('f', 'c.bin', bytes(10))],
    status: 413,
    code: 'LIMIT_FILES',
  },
  {
    name: 'fields: exactly the limit is accepted',
    options: { limits: { fields: 2 } },
    parts: [field('a', '1'), field('b', '2')],
    status: 200,
  },
  {
    name: 'fields: one more is 413 LIMIT_FIELDS',
    options: { limits: { fields: 2 } },
    parts: [field('a', '1'), field('b', '2'), field('c', '3')],
    status: 413,
    code: 'LIMIT_FIELDS',
  },
  {
    name: 'fieldSize: a value of exactly the limit is accepted',
    options: { limits: { fieldSize: 16 } },
    parts: [field('a', 'x'.repeat(16))],
    status: 200,
  },
  {
    name: 'fieldSize: one byte over is 413 LIMIT_FIELD_SIZE',
    options: { limits: { fieldSize: 16 } },
    parts: [field('a', 'x'.repeat(17))],
    status: 413,
    code: 'LIMIT_FIELD_SIZE',
  },
  {
    name: 'fieldNameSize: text and file field names of exactly the limit are accepted',
    options: { limits: { fieldNameSize: 16 } },
    parts: [field('n'.repeat(16), 'v'), file('f'.repeat(16), 'a.bin', bytes(10))],
    status: 200,
    check: ({ response }) => expect(Object.keys(response.json.fields)).toEqual(['n'.repeat(16)]),
  },
  {
    name: 'fieldNameSize: a text field name one byte over is 413 LIMIT_FIELD_NAME_SIZE',
    options: { limits: { fieldNameSize: 16 } },
    parts: [field('n'.repeat(17), 'v')],
    status: 413,
    code: 'LIMIT_FIELD_NAME_SIZE',
    check: ({ response }) => expect(response.json.error).toMatchObject({ limit: 'fieldNameSize', max: 16 }),
  },
  {
    // A file's field name takes another path through the engine than a text field's.
    name: 'fieldNameSize: a file field name one byte over is 413 LIMIT_FIELD_NAME_SIZE',
    options: { limits: { fieldNameSize: 16 } },
    parts: [field('ok', 'v'), file('f'.repeat(17), 'a.bin', bytes(10))],
    status: 413,
    code: 'LIMIT_FIELD_NAME_SIZE',
  },
  {
    // Content-Disposition and Content-Type are two of a file part's header lines.
    name: 'headerPairs: a part with exactly the limit of header lines is accepted',
    options: { limits: { headerPairs: 4 } },
    parts: [withHeaders(file('f', 'a.bin', bytes(10)), 2)],
    status: 200,
  },
  {
    name: 'headerPairs: one header line more is 413 LIMIT_HEADER_PAIRS',
    options: { limits: { headerPairs: 4 } },
    parts: [field('ok', 'v'), withHeaders(file('f', 'a.bin', bytes(10)), 3)],
    status: 413,
    code: 'LIMIT_HEADER_PAIRS',
    check: ({ response }) => expect(response.json.error).toMatchObject({ limit: 'headerPairs', max: 4 }),
  },
  {
    name: 'parts: exactly the limit is accepted',
    options: { limits: { parts: 3 } },
    parts: [field('a', '1'), file('f', 'a.bin', bytes(10)), field('b', '2')],
    status: 200,
  },
  {
    name: 'parts: one more than the limit is 413 LIMIT_PARTS',
    options: { limits: { parts: 3 } },
    parts: [field('a', '1'), file('f', 'a.bin', bytes(10)), field('b', '2'), file('f', 'b.bin', bytes(10))],
    status: 413,
    code: 'LIMIT_PARTS',
    check: ({ response }) => expect(response.json.error).toMatchObject({ limit: 'parts', max: 3 }),
  },
  {
    name: 'a non-multipart media type is 415 UNSUPPORTED_MEDIA_TYPE',
    request: () => ({ headers: { 'content-type': 'text/plain' }, body: Buffer.from('just text') }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a compressed body is 415 UNSUPPORTED_CONTENT_ENCODING',
    request: () => {
      const { body, contentType } = buildMultipart([file('f', 'a.bin', bytes(10))]);
      return { headers: { 'content-type': contentType, 'content-encoding': 'gzip' }, body };
    },
    status: 415,
    code: 'UNSUPPORTED_CONTENT_ENCODING',
  },
  {
    name: 'a file type outside allowedTypes is 415 TYPE_NOT_ALLOWED',
    options: { allowedTypes: ['image/png'] },
    parts: [file('f', 'page.png', '<!doctype html><script>alert(1)</script>', 'image/png')],
    status: 415,
    code: 'TYPE_NOT_ALLOWED',
  },
  {
    name: 'a multipart type without a boundary is 400 MISSING_BOUNDARY',
    request: () => ({ headers: { 'content-type': 'multipart/form-data' }, body: Buffer.from('--x\r\n') }),
    status: 400,
    code: 'MISSING_BOUNDARY',
  },
  {
    name: 'a body cut short before the closing boundary is 400 MALFORMED_REQUEST',
    request: truncatedMultipart,
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    name: 'a large body over the limit: the client reads the 413 instead of a reset',
    options: { limits: { fileSize: 64 * 1024 } },
    parts: [file('file', 'huge.bin', bytes(4 * 1024 * 1024))],
    status: 413,
    code: 'LIMIT_FILE_SIZE',
    check: ({ response }) => expect(response.clientError).toBeUndefined(),
  },
  {
    name: 'a client that vanishes mid-file leaves nothing in storage',
    options: { progress: { bytes: 16 * 1024 } },
    parts: [file('file', 'early.bin', bytes(1000)), file('file', 'partial.bin', bytes(1024 * 1024))],
    abortAfter: 300_000,
    code: 'CLIENT_ABORTED',
  },
  {
    name: 'a body another middleware already read is a clear error, not a hang',
    preRead: true,
    parts: [file('file', 'a.txt', 'read twice', 'text/plain')],
    status: 500,
    code: 'BODY_ALREADY_CONSUMED',
  },
];

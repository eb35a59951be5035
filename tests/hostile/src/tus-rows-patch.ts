import { createHash, randomBytes } from 'node:crypto';
import { patchHeaders, uploadUrl } from './tus-client.js';
import { describeResponse, expectCompleted, expectStored, expectTusError, TUS_MAX_FILE_SIZE, type TusRow, type TusRowContext } from './tus-run.js';

/** `data` as an HTTP/1.1 chunked body, in pieces of `size` bytes. */
export function chunked(data: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) {
    const piece = data.subarray(offset, offset + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** `Upload-Checksum` value: algorithm and base64 digest of `data`. */
export function checksumOf(algorithm: string, data: Buffer | string): string {
  return `${algorithm} ${createHash(algorithm).update(data).digest('base64')}`;
}

/** A PATCH of `body` at `offset` with these exact header lines (no Content-Length added). */
function rawPatch(context: TusRowContext, id: string, headers: Array<[string, string]>, body: Buffer | string) {
  return context.client.send({ method: 'PATCH', target: uploadUrl(id), headers }, body);
}

/** An upload of `length` whose first bytes `stored` are already accepted. */
async function uploadWith(context: TusRowContext, length: number, stored: string): Promise<string> {
  const id = await context.client.create(length);
  if (stored.length > 0) {
    const response = await context.client.patch(id, 0, stored);
    context.expect(response.status, describeResponse(response)).toBe(204);
  }
  return id;
}

/** Rows on PATCH headers, length limits, chunked bodies and per-request checksums. */
export const TUS_PATCH_ROWS: readonly TusRow[] = [
  {
    name: 'PATCH with another Content-Type (none, octet-stream, text/plain, a longer name): 415, nothing appended',
    async run(context) {
      const id = await uploadWith(context, 10, 'abcd');
      const types = [undefined, 'application/octet-stream', 'text/plain', 'application/offset+octet-streamx', 'multipart/form-data; boundary=x'];
      for (const type of types) {
        const headers: Array<[string, string]> = [['Upload-Offset', '4'], ['Content-Length', '3'], ...(type === undefined ? [] : ([['Content-Type', type]] as Array<[string, string]>))];
        expectTusError(context.expect, await rawPatch(context, id, headers, 'EVL'), 415);
      }
      await expectStored(context, id, Buffer.from('abcd'));
    },
  },
  {
    name: 'PATCH Upload-Offset missing or malformed: 400; not the stored offset: 409 with the stored offset; nothing appended',
    storage: true,
    async run(context) {
      const { expect } = context;
      const id = await uploadWith(context, 10, 'abcd');
      expectTusError(
        expect,
        await rawPatch(
          context,
          id,
          [
            ['Content-Type', 'application/offset+octet-stream'],
            ['Content-Length', '3'],
          ],
          'EVL',
        ),
        400,
      );
      for (const value of ['-1', 'abc', '1e1', '0x4', '', '+4', '4.0', '00000000000000004']) {
        expectTusError(expect, await rawPatch(context, id, patchHeaders(value, 3), 'EVL'), 400);
      }
      for (const offset of [0, 3, 5, 9]) {
        const response = await context.client.patch(id, offset, 'EVL');
        expectTusError(expect, response, 409);
        expect(response.headers['upload-offset']).toBe('4');
      }
      await expectStored(context, id, Buffer.from('abcd'));
    },
  },
  {
    name: 'PATCH Content-Length past Upload-Length: 413 before a byte is read, nothing appended',
    storage: true,
    async run(context) {
      const id = await uploadWith(context, 10, 'abcd');
      expectTusError(context.expect, await context.client.patch(id, 4, 'EFGHIJKLMNOP'), 413);
      await expectStored(context, id, Buffer.from('abcd'));
    },
  },
  {
    name: 'chunked PATCH body within the length: 204 and byte-exact',
    storage: true,
    async run(context) {
      const content = randomBytes(5000);
      const id = await context.client.create(content.length);
      const response = await rawPatch(context, id, [...patchHeaders(0, undefined), ['Transfer-Encoding', 'chunked']], chunked(content, 333));
      context.expect(response.status, describeResponse(response)).toBe(204);
      context.expect(response.headers['upload-offset']).toBe('5000');
      await expectCompleted(context, id, content);
      // A retried final PATCH is answered 204 and writes nothing.
      context.expect((await context.client.patch(id, 5000, '')).status).toBe(204);
    },
  },
  {
    name: 'deferred length: an Upload-Length over the limit is 413; a body that outgrows limits.fileSize is 413 and removes the upload',
    async run(context) {
      const { expect, client } = context;
      const id = await client.create('defer');
      expectTusError(expect, await rawPatch(context, id, [...patchHeaders(0, 0), ['Upload-Length', String(TUS_MAX_FILE_SIZE + 1)]], ''), 413);
      await expectStored(context, id, Buffer.alloc(0));
      const response = await rawPatch(context, id, [...patchHeaders(0, undefined), ['Transfer-Encoding', 'chunked']], chunked(Buffer.alloc(TUS_MAX_FILE_SIZE + 10, 0x61), 64 * 1024));
      expectTusError(expect, response, 413);
      expectTusError(expect, await client.head(id), 404);
      expect(await context.subject.leftovers()).toEqual([]);
    },
  },
  {
    name: 'PATCH Upload-Length that differs from a known length, or below the offset of a deferred one: 400, nothing changes; a deferred length is fixed once',
    async run(context) {
      const { expect, client } = context;
      const known = await uploadWith(context, 10, 'abcd');
      expectTusError(expect, await rawPatch(context, known, [...patchHeaders(4, 3), ['Upload-Length', '11']], 'efg'), 400);
      await expectStored(context, known, Buffer.from('abcd'));
      const deferred = await client.create('defer');
      expect((await client.patch(deferred, 0, 'abcd')).status).toBe(204);
      expectTusError(expect, await rawPatch(context, deferred, [...patchHeaders(4, 0), ['Upload-Length', '3']], ''), 400);
      expect((await client.head(deferred)).headers['upload-defer-length']).toBe('1');
      const fixed = await rawPatch(context, deferred, [...patchHeaders(4, 2), ['Upload-Length', '8']], 'ef');
      expect(fixed.status, describeResponse(fixed)).toBe(204);
      expect(fixed.headers['upload-length']).toBe('8');
      expectTusError(expect, await rawPatch(context, deferred, [...patchHeaders(6, 2), ['Upload-Length', '9']], 'gh'), 400);
      await expectStored(context, deferred, Buffer.from('abcdef'));
      expect((await client.patch(deferred, 6, 'gh')).status).toBe(204);
      await expectCompleted(context, deferred, Buffer.from('abcdefgh'));
    },
  },
  {
    name: 'an upload past Upload-Expires: 410 for HEAD and PATCH; the sweep removes it with its bytes, then 404',
    storage: true,
    options: { expiresAfterMs: 400 },
    async run(context) {
      const { expect, client, tus } = context;
      const id = await uploadWith(context, 10, 'abcd');
      await new Promise((resolve) => setTimeout(resolve, 600));
      expectTusError(expect, await client.head(id), 410);
      expectTusError(expect, await client.patch(id, 4, 'efg'), 410);
      expect((await tus.sweepExpired()).removed).toBe(1);
      expectTusError(expect, await client.head(id), 404);
      expect(await context.subject.leftovers()).toEqual([]);
    },
  },
  {
    name: 'Upload-Checksum: unsupported or malformed 400, wrong digest 460 with nothing recorded, a right one 204',
    storage: true,
    async run(context) {
      const { expect, client } = context;
      const id = await client.create(10);
      const digest = createHash('sha512').update('hello').digest('base64');
      for (const value of [`sha512 ${digest}`, 'crc64 AAAAAAAAAAA=', 'sha1', 'sha1 !!!!', 'sha1 ']) expectTusError(expect, await client.patch(id, 0, 'hello', [['Upload-Checksum', value]]), 400);
      for (const algorithm of ['sha1', 'md5', 'sha256']) {
        const wrong = await client.patch(id, 0, 'hello', [['Upload-Checksum', checksumOf(algorithm, 'hellO')]]);
        expectTusError(expect, wrong, 460);
        await expectStored(context, id, Buffer.alloc(0), { allowBeyondOffset: context.subject.kind === 'disk' });
      }
      const right = await client.patch(id, 0, 'hello', [['Upload-Checksum', checksumOf('sha256', 'hello')]]);
      expect(right.status, describeResponse(right)).toBe(204);
      await expectStored(context, id, Buffer.from('hello'));
    },
  },
];

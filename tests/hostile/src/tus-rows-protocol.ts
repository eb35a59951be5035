import { randomBytes } from 'node:crypto';
import { metadataOf, patchHeaders, uploadUrl } from './tus-client.js';
import { describeResponse, expectCompleted, expectStored, expectTusError, TUS_MAX_FILE_SIZE, type TusRow, type TusRowContext } from './tus-run.js';
import { TUS_PATH } from './tus-servers.js';

/** A POST to the collection with exactly these header lines (plus `Tus-Resumable`, unless `bare`). */
function post(context: TusRowContext, headers: Array<[string, string]>, bare = false) {
  return context.client.send({ method: 'POST', target: TUS_PATH, headers: [...headers, ['Content-Length', '0']], bare });
}

/** A refused creation stores nothing at all. */
async function expectNothingStored(context: TusRowContext): Promise<void> {
  context.expect(context.client.created.size).toBe(0);
  context.expect(await context.subject.leftovers()).toEqual([]);
}

/** Rows on the protocol version, OPTIONS, creation headers, metadata, upload ids and termination. */
export const TUS_PROTOCOL_ROWS: readonly TusRow[] = [
  {
    name: 'no Tus-Resumable on POST, HEAD and PATCH: 412 with Tus-Version, nothing changes',
    async run(context) {
      const { expect, client } = context;
      const created = await post(context, [['Upload-Length', '5']], true);
      expectTusError(expect, created, 412);
      expect(created.headers['tus-version']).toBe('1.0.0');
      expect(created.headers.location).toBeUndefined();
      await expectNothingStored(context);
      const id = await client.create(5);
      expectTusError(expect, await client.send({ method: 'HEAD', target: uploadUrl(id), bare: true }), 412);
      const patched = await client.send({ method: 'PATCH', target: uploadUrl(id), headers: patchHeaders(0, 5), bare: true }, 'hello');
      expectTusError(expect, patched, 412);
      await expectStored(context, id, Buffer.alloc(0));
    },
  },
  {
    name: 'Tus-Resumable of another version (0.2.2, 1.0, 2.0.0, 1.0.0.0): 412 with Tus-Version',
    async run(context) {
      for (const version of ['0.2.2', '1.0', '2.0.0', '1.0.0.0', '1.0.0, 1.0.0']) {
        const response = await context.client.send({
          method: 'POST',
          target: TUS_PATH,
          bare: true,
          headers: [
            ['Tus-Resumable', version],
            ['Upload-Length', '5'],
            ['Content-Length', '0'],
          ],
        });
        expectTusError(context.expect, response, 412);
        context.expect(response.headers['tus-version']).toBe('1.0.0');
      }
      await expectNothingStored(context);
    },
  },
  {
    name: 'OPTIONS without Tus-Resumable: 204 with the capabilities and no body',
    async run(context) {
      const { expect, client } = context;
      const id = await client.create(3);
      for (const target of [TUS_PATH, uploadUrl(id)]) {
        const response = await client.send({ method: 'OPTIONS', target, bare: true, headers: [['Content-Length', '0']] });
        expect(response.status, describeResponse(response)).toBe(204);
        expect(response.headers['tus-version']).toBe('1.0.0');
        expect(response.headers['tus-extension']?.split(',')).toEqual(expect.arrayContaining(['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'checksum']));
        expect(response.headers['tus-max-size']).toBe(String(TUS_MAX_FILE_SIZE));
        expect(response.headers['tus-checksum-algorithm']?.split(',')).toContain('sha1');
        expect(response.body.length).toBe(0);
      }
    },
  },
  {
    name: 'Upload-Length negative, signed, exponent, hex, fractional, empty, beyond 2^53, two values: 400, nothing stored',
    async run(context) {
      const values = ['-1', '+5', '1e3', '0x10', '12.0', '', '9007199254740993', '99999999999999999999', '1_000', '12abc'];
      for (const value of values) expectTusError(context.expect, await post(context, [['Upload-Length', value]]), 400);
      // Two Upload-Length lines: Node joins them into "12, 13", which is no number.
      expectTusError(
        context.expect,
        await post(context, [
          ['Upload-Length', '12'],
          ['Upload-Length', '13'],
        ]),
        400,
      );
      await expectNothingStored(context);
    },
  },
  {
    name: 'Upload-Length with optional whitespace around it (RFC 9110 OWS) is the number',
    async run(context) {
      const response = await post(context, [['Upload-Length', ' 12 ']]);
      context.expect(response.status, describeResponse(response)).toBe(201);
      const head = await context.client.head(response.headers.location!.split('/').pop()!);
      context.expect(head.headers['upload-length']).toBe('12');
    },
  },
  {
    name: 'both Upload-Length and Upload-Defer-Length, neither, or a defer value other than 1: 400, nothing stored',
    async run(context) {
      const { expect } = context;
      expectTusError(
        expect,
        await post(context, [
          ['Upload-Length', '5'],
          ['Upload-Defer-Length', '1'],
        ]),
        400,
      );
      expectTusError(expect, await post(context, []), 400);
      expectTusError(expect, await post(context, [['Upload-Defer-Length', '2']]), 400);
      expectTusError(expect, await post(context, [['Upload-Defer-Length', '0']]), 400);
      await expectNothingStored(context);
    },
  },
  {
    name: 'Upload-Length over limits.fileSize: 413 before anything is stored, also with data; the limit itself is fine',
    storage: true,
    async run(context) {
      const { expect, client } = context;
      expectTusError(expect, await post(context, [['Upload-Length', String(TUS_MAX_FILE_SIZE + 1)]]), 413);
      const withData = await client.send(
        {
          method: 'POST',
          target: TUS_PATH,
          headers: [
            ['Upload-Length', String(TUS_MAX_FILE_SIZE + 1)],
            ['Content-Type', 'application/offset+octet-stream'],
            ['Content-Length', '4'],
          ],
        },
        'data',
      );
      expectTusError(expect, withData, 413);
      await expectNothingStored(context);
      const atLimit = await post(context, [['Upload-Length', String(TUS_MAX_FILE_SIZE)]]);
      expect(atLimit.status, describeResponse(atLimit)).toBe(201);
    },
  },
  {
    name: 'Upload-Metadata malformed (bad base64, duplicate key, key with a space, empty key, over 8 KiB): 400, nothing stored',
    async run(context) {
      const bad = ['filename YWJ', 'filename Y=Jj', 'filename !!!!', 'filename YWJj====', 'a YQ==,a Yg==', 'my key YQ==', ' YQ==', 'a YQ==,,b Yg==', `filename ${'QUFB'.repeat(2100)}`];
      for (const value of bad)
        expectTusError(
          context.expect,
          await post(context, [
            ['Upload-Length', '3'],
            ['Upload-Metadata', value],
          ]),
          400,
        );
      await expectNothingStored(context);
    },
  },
  {
    name: 'Upload-Metadata over 16 KiB of headers: Node answers 431 before the handler, nothing stored',
    async run(context) {
      const response = await post(context, [
        ['Upload-Length', '3'],
        ['Upload-Metadata', `filename ${'QUFB'.repeat(5000)}`],
      ]);
      context.expect(response.status, describeResponse(response)).toBe(431);
      await expectNothingStored(context);
    },
  },
  {
    name: 'a comma splits metadata pairs: "a,b YQ==" is key a (no value) and key b, echoed as such by HEAD',
    async run(context) {
      const id = await context.client.create(1, 'a,b YQ==');
      const head = await context.client.head(id);
      context.expect(head.headers['upload-metadata']).toBe('a,b YQ==');
    },
  },
  {
    name: 'hostile file names in metadata (traversal, NUL, CR/LF, RTL override, fullwidth solidus, ..): stored under a safe key, no header injection',
    storage: true,
    async run(context) {
      const { expect, client } = context;
      const names = ['../../etc/passwd', 'a\u0000b.txt', 'x\r\nX-Injected: 1\r\n.txt', '\u202Etxt.exe', '..', '\uFF0E\uFF0E\uFF0Fetc\uFF0Fpasswd', `/abs/${'n'.repeat(300)}.bin`];
      for (const name of names) {
        const content = Buffer.from(`content of ${JSON.stringify(name)}`);
        const id = await client.create(content.length, metadataOf({ filename: name, filetype: 'text/plain' }));
        const head = await client.head(id);
        expect(head.headers['x-injected']).toBeUndefined();
        expect(head.headers['upload-metadata']).toBe(metadataOf({ filename: name, filetype: 'text/plain' }));
        const patched = await client.patch(id, 0, content);
        expect(patched.status, describeResponse(patched)).toBe(204);
        const file = await expectCompleted(context, id, content);
        expect(file.name).toBe(name);
      }
      expect((await context.subject.leftovers()).filter((entry) => entry.startsWith('OUTSIDE'))).toEqual([]);
    },
  },
  {
    name: 'upload ids that are not ids (unknown, upper case, traversal, encoded traversal, NUL, store file names, 8 KB): 404, the real upload untouched',
    storage: true,
    async run(context) {
      const { expect, client } = context;
      const id = await client.create(10);
      expect((await client.patch(id, 0, 'abc')).status).toBe(204);
      const targets = [
        uploadUrl(randomBytes(16).toString('hex')),
        uploadUrl(id.toUpperCase()),
        uploadUrl(`..%2f..%2f${id}`),
        uploadUrl(`%2e%2e%2f%2e%2e%2fetc%2fpasswd`),
        uploadUrl(`..%5c..%5c${id}`),
        uploadUrl(`${id}%00`),
        uploadUrl(`${id}%2f..`),
        uploadUrl(`${id}.info.partial`),
        uploadUrl(`${id}.data.partial`),
        uploadUrl(`${id}.info`),
        uploadUrl('a'.repeat(8_000)),
      ];
      for (const target of targets) {
        const head = await client.send({ method: 'HEAD', target });
        expect(head.status, `HEAD ${target.slice(0, 80)}: ${describeResponse(head)}`).toBe(404);
        const patched = await client.send({ method: 'PATCH', target, headers: patchHeaders(3, 4) }, 'EVIL');
        expect(patched.status, `PATCH ${target.slice(0, 80)}: ${describeResponse(patched)}`).toBe(404);
        const deleted = await client.send({ method: 'DELETE', target, headers: [['Content-Length', '0']] });
        expect(deleted.status, `DELETE ${target.slice(0, 80)}: ${describeResponse(deleted)}`).toBe(404);
      }
      await expectStored(context, id, Buffer.from('abc'));
      expect((await context.subject.leftovers()).filter((entry) => entry.startsWith('OUTSIDE'))).toEqual([]);
    },
  },
  {
    name: 'GET on an upload URL does not serve its bytes (405 from Sluice, or 404 where the framework routes only tus methods)',
    async run(context) {
      const id = await context.client.create(6);
      expect204(context, await context.client.patch(id, 0, 'secret'));
      const got = await context.client.send({ method: 'GET', target: uploadUrl(id) });
      context.expect(got.status, describeResponse(got)).toBe(context.adapter === 'fastify' ? 404 : 405);
      context.expect(got.body.toString('latin1')).not.toContain('secret');
    },
  },
  {
    name: 'HEAD, PATCH and DELETE after DELETE: 404; the state, the bytes and a completed file are gone at once',
    storage: true,
    async run(context) {
      const { expect, client, subject } = context;
      const partial = await client.create(10);
      expect204(context, await client.patch(partial, 0, 'abcd'));
      const done = await client.create(4);
      expect204(context, await client.patch(done, 0, 'full'));
      const file = await expectCompleted(context, done, Buffer.from('full'));
      for (const id of [partial, done]) {
        expect((await client.delete(id)).status).toBe(204);
        expectTusError(expect, await client.head(id), 404);
        expectTusError(expect, await client.patch(id, 4, 'more'), 404);
        expectTusError(expect, await client.delete(id), 404);
        expect(await subject.stored(id)).toBeUndefined();
      }
      expect(await subject.readFinal(file.key)).toBeUndefined();
      expect(await subject.leftovers()).toEqual([]);
    },
  },
];

function expect204(context: TusRowContext, response: Awaited<ReturnType<TusRowContext['client']['send']>>): void {
  context.expect(response.status, describeResponse(response)).toBe(204);
}

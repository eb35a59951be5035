import { step } from './raw-client.js';
import { headBytes, patchHeaders, uploadUrl } from './tus-client.js';
import { chunked } from './tus-rows-patch.js';
import { describeResponse, expectCompleted, expectStored, expectTusError, TUS_IDLE_MS, type TusRow } from './tus-run.js';
import { TUS_PATH } from './tus-servers.js';

/** Refusals and what storage keeps after them: the bytes up to a known length, nothing of an upload the client cannot reach, a 408 for a stalled body. */
export const TUS_REFUSAL_ROWS: readonly TusRow[] = [
  {
    name: 'chunked PATCH body past Upload-Length: 413, the bytes up to the length are kept and become the file',
    storage: true,
    async run(context) {
      const { expect } = context;
      const id = await context.client.create(10);
      expect((await context.client.patch(id, 0, 'abcd')).status).toBe(204);
      const response = await context.client.send(
        { method: 'PATCH', target: uploadUrl(id), headers: [...patchHeaders(4, undefined), ['Transfer-Encoding', 'chunked']] },
        chunked(Buffer.from('efghijEVILEVILEVIL'), 4),
      );
      expectTusError(expect, response, 413);
      const head = await context.client.head(id);
      expect(head.headers['upload-offset'], describeResponse(head)).toBe('10');
      await expectCompleted(context, id, Buffer.from('abcdefghij'));
    },
  },
  {
    name: 'creation-with-upload whose Content-Length is past Upload-Length: 413, nothing stored',
    storage: true,
    async run(context) {
      const response = await context.client.send(
        {
          method: 'POST',
          target: TUS_PATH,
          headers: [
            ['Upload-Length', '5'],
            ['Content-Type', 'application/offset+octet-stream'],
            ['Content-Length', '10'],
          ],
        },
        '0123456789',
      );
      expectTusError(context.expect, response, 413);
      context.expect(await context.subject.leftovers()).toEqual([]);
    },
  },
  {
    name: 'PATCH that stalls past idleTimeoutMs is answered 408 (like multipart), not a bare close',
    async run(context) {
      const id = await context.client.create(10);
      const response = await context.client.exchange(
        [step.write(headBytes({ method: 'PATCH', target: uploadUrl(id), headers: patchHeaders(0, 10) })), step.write('012'), step.awaitResponse(TUS_IDLE_MS * 6)],
        TUS_IDLE_MS * 8,
      );
      expectTusError(context.expect, response, 408, /Upload stalled/);
    },
  },
];

/** Disk only (the one store whose file can hold bytes past the offset): a PATCH refused with 460 leaves none of its bytes. */
export const TUS_DISK_REFUSAL_ROWS: readonly TusRow[] = [
  {
    name: 'a wrong Upload-Checksum (460) leaves no byte of the chunk in storage',
    async run(context) {
      const { createHash } = await import('node:crypto');
      const id = await context.client.create(10);
      const wrong = await context.client.patch(id, 0, 'hello', [['Upload-Checksum', `sha1 ${createHash('sha1').update('hellO').digest('base64')}`]]);
      expectTusError(context.expect, wrong, 460);
      await expectStored(context, id, Buffer.alloc(0));
    },
  },
];

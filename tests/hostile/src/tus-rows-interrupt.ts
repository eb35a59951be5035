import { randomBytes } from 'node:crypto';
import { step } from './raw-client.js';
import { headBytes, patchHeaders, uploadUrl } from './tus-client.js';
import { checksumOf } from './tus-rows-patch.js';
import { describeResponse, expectCompleted, expectStored, TUS_IDLE_MS, waitUntil, type TusRow, type TusRowContext } from './tus-run.js';

const MiB = 1024 * 1024;

/** The head of a PATCH of `length` bytes at `offset`. */
function patchHead(id: string, offset: number, length: number, extra: Array<[string, string]> = []): Buffer {
  return headBytes({ method: 'PATCH', target: uploadUrl(id), headers: patchHeaders(offset, length, extra) });
}

/** Waits until the handler settled a write request of `id` that failed (its `loadend` came with an error). */
async function settledWithError(context: TusRowContext, id: string): Promise<void> {
  const settled = await waitUntil(() => context.probe.settled.some((entry) => entry.uploadId === id && entry.code !== undefined), 8_000);
  context.expect(settled, `the interrupted request of ${id} settled`).toBe(true);
}

/** Sends the rest of `content` from the offset HEAD reports; the final file must be `content` byte for byte. */
async function resumeAndFinish(context: TusRowContext, id: string, content: Buffer): Promise<void> {
  const offset = await context.client.offset(id);
  context.expect(offset).toBeDefined();
  const response = await context.client.patch(id, offset!, content.subarray(offset!));
  context.expect(response.status, describeResponse(response)).toBe(204);
  context.expect(response.headers['upload-offset']).toBe(String(content.length));
  await expectCompleted(context, id, content);
}

/** Rows where the client goes away, lies, stalls or races itself. */
export const TUS_INTERRUPT_ROWS: readonly TusRow[] = [
  {
    name: 'PATCH body that stops mid-way (client destroys the socket): the bytes that arrived are kept, HEAD + PATCH resume byte-exact',
    storage: true,
    async run(context) {
      const content = randomBytes(3000);
      const id = await context.client.create(content.length);
      await context.client.exchange([
        step.write(patchHead(id, 0, content.length)),
        step.write(content.subarray(0, 1800)),
        step.until(() => (context.probe.received.get(id) ?? 0) >= 1800, 5_000),
        step.destroy(),
      ]);
      await settledWithError(context, id);
      await expectStored(context, id, content.subarray(0, 1800));
      await resumeAndFinish(context, id, content);
    },
  },
  {
    name: 'a 9 MiB PATCH cut after 8.5 MiB (an S3 part and a tail): the held bytes equal the offset, one resume completes byte-exact, another is deleted clean',
    storage: true,
    options: { limits: { fileSize: 16 * MiB } },
    async run(context) {
      const { expect, client, subject } = context;
      const content = randomBytes(9 * MiB);
      const cut = 8 * MiB + MiB / 2;
      for (const id of [await client.create(content.length), await client.create(content.length)]) {
        await client.exchange(
          [step.write(patchHead(id, 0, content.length)), step.write(content.subarray(0, cut)), step.until(() => (context.probe.received.get(id) ?? 0) >= cut, 15_000), step.destroy()],
          20_000,
        );
        await settledWithError(context, id);
        expect(await client.offset(id)).toBe(cut);
        expect(await subject.storedSize(id)).toBe(cut);
      }
      // The first resumes to completion; the second is left for the runner's DELETE (S3: the multipart upload must be aborted).
      await resumeAndFinish(context, [...client.created][0]!, content);
    },
  },
  {
    name: 'Content-Length larger than the body, then a half-close: what arrived is kept, the offset only grows, the upload resumes',
    storage: true,
    async run(context) {
      const { expect } = context;
      const content = randomBytes(100);
      const id = await context.client.create(content.length);
      const response = await context.client.exchange(
        [
          step.write(patchHead(id, 0, content.length)),
          step.write(content.subarray(0, 30)),
          step.until(() => (context.probe.received.get(id) ?? 0) >= 30, 5_000),
          step.end(),
          step.awaitResponse(5_000),
        ],
        8_000,
      );
      // Node's parser ends a Content-Length body cut by a FIN with its own 400 (or just closes).
      expect([400, undefined], describeResponse(response)).toContain(response.status);
      expect(response.timedOut).toBe(false);
      await settledWithError(context, id);
      await expectStored(context, id, content.subarray(0, 30));
      await resumeAndFinish(context, id, content);
    },
  },
  {
    name: 'two PATCHes on one upload at once: the second gets 423 (or 409), its bytes never mix in; the first completes byte-exact',
    storage: true,
    async run(context) {
      const { expect, client, probe } = context;
      const first = Buffer.alloc(100, 0x41);
      const id = await client.create(first.length);
      let secondDone = false;
      const running = client.exchange(
        [step.write(patchHead(id, 0, first.length)), step.write(first.subarray(0, 40)), step.until(() => secondDone, 8_000), step.write(first.subarray(40)), step.awaitResponse(5_000)],
        12_000,
      );
      expect(await waitUntil(() => (probe.received.get(id) ?? 0) >= 40, 5_000)).toBe(true);
      const second = await client.patch(id, 0, Buffer.alloc(100, 0x42));
      secondDone = true;
      expect([409, 423], describeResponse(second)).toContain(second.status);
      const answered = await running;
      expect(answered.status, describeResponse(answered)).toBe(204);
      await expectCompleted(context, id, first);
    },
  },
  {
    name: 'two whole PATCHes racing from offset 0: exactly one 204, the other 409/423, the file is the winner’s bytes only',
    storage: true,
    async run(context) {
      const { expect, client } = context;
      const id = await client.create(2000);
      const bodies = [Buffer.alloc(2000, 0x41), Buffer.alloc(2000, 0x42)];
      const answers = await Promise.all(bodies.map((body) => client.patch(id, 0, body)));
      const statuses = answers.map((answer) => answer.status);
      expect(
        statuses.filter((status) => status === 204),
        JSON.stringify(statuses),
      ).toHaveLength(1);
      expect([409, 423]).toContain(statuses.find((status) => status !== 204));
      await expectCompleted(context, id, bodies[statuses.indexOf(204)]!);
    },
  },
  {
    name: 'slowloris PATCH that stalls longer than idleTimeoutMs: ended with IDLE_TIMEOUT, what arrived is kept, the upload resumes',
    storage: true,
    async run(context) {
      const { expect } = context;
      const content = Buffer.from('0123456789');
      const id = await context.client.create(content.length);
      const response = await context.client.exchange([step.write(patchHead(id, 0, content.length)), step.write(content.subarray(0, 3)), step.awaitResponse(TUS_IDLE_MS * 6)], TUS_IDLE_MS * 8);
      // The handler ends the stalled body; it does not answer 408 today (see the README), so a close is accepted too.
      expect(response.timedOut, describeResponse(response)).toBe(false);
      expect([408, undefined], describeResponse(response)).toContain(response.status);
      expect(response.closedByServer || response.status === 408).toBe(true);
      expect(response.elapsedMs).toBeLessThan(TUS_IDLE_MS * 4);
      await settledWithError(context, id);
      expect(context.probe.settled.find((entry) => entry.uploadId === id)?.code).toBe('IDLE_TIMEOUT');
      await expectStored(context, id, content.subarray(0, 3));
      await resumeAndFinish(context, id, content);
    },
  },
  {
    name: 'slowloris PATCH dripping a byte every 250 ms (never idle): ended by the server, no hang; the bytes it took are kept',
    async run(context) {
      const { expect } = context;
      const content = randomBytes(2000);
      const id = await context.client.create(content.length);
      const response = await context.client.exchange([step.write(patchHead(id, 0, content.length)), step.drip(content, 1, 250), step.awaitResponse(1_000)], 20_000);
      expect(response.timedOut, describeResponse(response)).toBe(false);
      expect(response.status, describeResponse(response)).toBe(408);
      await settledWithError(context, id);
      const offset = (await context.client.offset(id))!;
      expect(offset).toBeGreaterThan(0);
      await expectStored(context, id, content.subarray(0, offset));
      await resumeAndFinish(context, id, content);
    },
  },
  {
    name: 'a PATCH with Upload-Checksum cut off mid-way: its bytes cannot be verified, so none is kept',
    storage: true,
    async run(context) {
      const content = randomBytes(1000);
      const id = await context.client.create(content.length);
      await context.client.exchange([
        step.write(patchHead(id, 0, content.length, [['Upload-Checksum', checksumOf('sha1', content)]])),
        step.write(content.subarray(0, 600)),
        step.until(() => (context.probe.received.get(id) ?? 0) >= 600, 5_000),
        step.destroy(),
      ]);
      await settledWithError(context, id);
      await expectStored(context, id, Buffer.alloc(0), { allowBeyondOffset: context.subject.kind === 'disk' });
      await resumeAndFinish(context, id, content);
    },
  },
];

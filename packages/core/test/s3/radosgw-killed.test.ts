import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/session/create-upload-handler.js';
import { s3Storage } from '../../src/storage/s3/s3-storage.js';
import { keyUnder, streamingMultipart } from './bodies.js';
import { killRadosgw, ownCluster, recordCommands, restartRadosgw } from '@sluice/s3-rig';
import { sendBody } from './support.js';

const MiB = 1024 * 1024;

const own = ownCluster('killed');

describe('radosgw killed mid-upload', () => {
  it('fails with STORAGE_UNAVAILABLE 503, keeps retrying the abort until radosgw is back, and leaves nothing', async () => {
    const { cluster, client, space } = own;
    const commands = recordCommands(client);
    const failedAborts = { count: 0 };
    client.middlewareStack.add(
      (next, context) => (args) =>
        next(args).catch((error: unknown) => {
          if (context.commandName === 'AbortMultipartUploadCommand') failedAborts.count += 1;
          throw error;
        }),
      { step: 'initialize', name: 'sluiceTestFailedAborts' },
    );
    const storage = s3Storage({ bucket: space.bucket, client, abortRetryMs: 30_000 });
    const handler = createUploadHandler({ storage, key: keyUnder(space.prefix) });
    // ~30 MiB paced over ~2.5 s, so parts are still going up when radosgw dies.
    const pending = sendBody(handler, streamingMultipart([{ field: 'f', filename: 'doomed.bin', size: 30 * MiB }], { paceMs: 20 }));
    while (commands.filter((name) => name === 'UploadPartCommand').length < 2) await new Promise((resolve) => setTimeout(resolve, 10));

    await killRadosgw(cluster.dir);
    const killedAt = Date.now();
    // Down for at least 1.5 s, and until one whole AbortMultipartUpload (the SDK's
    // own retries included) has failed: on a loaded machine the SDK's retries of
    // the dying UploadPart alone can outlast a fixed outage, and then the first
    // abort would simply succeed and prove nothing about retrying it.
    const restarted = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      while (failedAborts.count === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await restartRadosgw(cluster);
    })();
    const { error } = await pending;
    await restarted;
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', status: 503 });
    // It settled only after radosgw was back and the abort went through.
    expect(Date.now() - killedAt).toBeGreaterThan(1500);
    expect(commands.filter((name) => name === 'AbortMultipartUploadCommand').length).toBeGreaterThan(1);
    await space.expectEmpty();
  });
});

import { runResumableStoreConformance } from '../store-conformance.js';
import { MiB, createSpace, readObject, spaceStore } from './support.js';

// The same contract memory and disk keep, on radosgw: leftovers() lists every
// object AND every pending multipart upload under the test's prefix.
runResumableStoreConformance('s3', async () => {
  const space = await createSpace('tus-store');
  const store = spaceStore(space);
  return {
    store,
    partSize: 5 * MiB,
    keyPrefix: space.prefix,
    readFinal: (key) => readObject(space.client, space.bucket, key),
    leftovers: () => space.leftovers(),
    cleanup: async () => {
      store.context.client.destroy();
      await space.cleanup();
    },
  };
});

import { runStorageConformance } from '../../src/testing/storage-conformance.js';
import { createSpace } from '@sluice/s3-rig';
import { prefixedDriver, spaceStorage } from './support.js';

// The same contract memory and disk keep, against a real S3 server. leftovers()
// lists objects AND pending multipart uploads, and is read once, right after
// put settles: a failed put must already have aborted its upload on S3.
runStorageConformance('s3', async () => {
  const space = await createSpace('conformance');
  const { storage } = spaceStorage(space);
  return { driver: prefixedDriver(storage, space.prefix), leftovers: () => space.leftovers(), cleanup: () => space.cleanup() };
});

import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { targetClientConfig } from './connection.js';
import { startLocalCluster, stopLocalCluster, type LocalCluster } from './local-cluster.js';
import { createSpace, type TestSpace } from './space.js';

/** A test file's own radosgw, a client for it and a space in it: filled in by the file's `beforeAll`. */
export interface OwnCluster {
  cluster: LocalCluster;
  client: S3Client;
  space: TestSpace;
}

/**
 * Gives the calling test file a throw-away radosgw of its own, for tests that
 * kill it: killing the suite's shared radosgw would break every other test
 * file. Registers a `beforeAll` that starts it and makes a space named after
 * `label`, and an `afterAll` that stops it. Needs the scripts/s3-local
 * scripts even when S3_ENDPOINT is set.
 *
 * No bucket clean-up: the cluster is thrown away whole (and radosgw, after a
 * crash, takes ~26 s to delete a bucket the dead instance had open).
 */
export function ownCluster(label: string): OwnCluster {
  const own: Partial<OwnCluster> = {};
  beforeAll(async () => {
    own.cluster = await startLocalCluster();
    own.client = new S3Client(targetClientConfig(own.cluster));
    own.space = await createSpace(label, own.client);
  });
  afterAll(async () => {
    own.client?.destroy();
    if (own.cluster) await stopLocalCluster(own.cluster.dir);
  });
  return own as OwnCluster;
}

import { connection } from '@sluice/s3-rig';
import type { S3Target } from './leftovers.js';

/**
 * The S3 server the core-s3 global setup provided (a throw-away radosgw, or
 * S3_ENDPOINT), reused by path so this suite starts no second shared cluster.
 */
export function sharedS3(): S3Target {
  const s3 = connection();
  return { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: s3.forcePathStyle };
}

export { killRadosgw, restartRadosgw, startLocalCluster, stopLocalCluster, type LocalCluster } from '@sluice/s3-rig';

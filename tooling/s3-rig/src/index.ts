/**
 * @sluice/s3-rig: a real S3 server for the test suites. `global-setup` starts
 * it once per vitest project; tests reach it through {@link connection} and
 * work inside a {@link createSpace} of their own.
 */
export { connection, clientConfig, targetClientConfig, testClient, childEnv, type S3Connection, type S3Target } from './connection.js';
export { createSpace, uniqueName, type TestSpace } from './space.js';
export { REPO_ROOT, startLocalCluster, stopLocalCluster, killRadosgw, restartRadosgw, parseEnvLines, type LocalCluster } from './local-cluster.js';
export { recordCommands } from './record-commands.js';
export { ownCluster, type OwnCluster } from './own-cluster.js';

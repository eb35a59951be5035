/**
 * What the three Sluice demo apps share, so that each app is only its
 * framework's routing: configuration from the environment, the storage
 * factory, the upload options, the page, listing and safe downloads.
 */
export { ConfigError, loadConfig, type DemoConfig, type Env, type StorageConfig } from './config.js';
export { formatSize, parseSize } from './sizes.js';
export { createStorage, describeStorage, DEMO_MEMORY_LIMIT, type ImportS3 } from './storage.js';
export { demoUploadOptions, refuseActiveTypes } from './upload-options.js';
export { PAGE_HEADERS, publicConfig, renderPage } from './page.js';
export { downloadPath, keyFromPath, listFiles, nameFromKey, openDownload, uploadResponse, type DemoFile, type DemoUploadResponse, type Download, type ListedFile } from './files.js';
export { closeServer, hardenServer, listen, prepareDemo, type DemoSetup, type RunningDemo } from './setup.js';
export { runDemo } from './run-demo.js';
export { createDemoTus, createResumableStore, tusClientScript, TUS_CLIENT_PATH, TUS_PATH, type ImportS3Resumable } from './tus.js';
export { createDemoLoad, createDemoLocker, metricsResponse, readClusterConfig, SINGLE_INSTANCE, type ClusterConfig } from './cluster.js';

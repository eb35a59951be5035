/** Shared tests of the three demo apps: HTTP smoke tests and the browser test. */
export { runDemoSmokeTests, runServerScript, type StartDemo } from './smoke.js';
export { freshS3Bucket, runS3SmokeTests, type StartedDemo, type StartWith, type StorageKind } from './smoke-s3.js';
export { formWith, keysOf, postForm, type FormFile, type Posted } from './forms.js';
export { runBrowserTest, ARTIFACTS_DIR, CHROMIUM_PATH } from './browser.js';
export { rawGet, type Fetched } from './demo-client.js';
export { runTusSmokeTests } from './smoke-tus.js';
export { runTusBrowserTest } from './browser-tus.js';
export { neutralContent, settledTusOffset, tusClientUpload, tusOffset, type TusOutcome } from './tus-client.js';

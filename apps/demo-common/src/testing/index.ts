/** Shared tests of the three demo apps: HTTP smoke tests and the browser test. */
export { runDemoSmokeTests, runServerScript, type StartDemo } from './smoke.js';
export { runBrowserTest, ARTIFACTS_DIR, CHROMIUM_PATH } from './browser.js';
export { rawGet, type Fetched } from './demo-client.js';

import { ConfigError, loadConfig } from './config.js';
import { prepareDemo, type DemoSetup, type RunningDemo } from './setup.js';
import { describeStorage } from './storage.js';

/**
 * What every demo's `server.ts` does: read the environment, stop with a clear
 * message and exit code 1 on a bad value, start, log the URL, and shut down
 * cleanly on SIGTERM / SIGINT.
 */
export async function runDemo(framework: string, start: (setup: DemoSetup) => Promise<RunningDemo>): Promise<void> {
  let setup: DemoSetup;
  try {
    const config = loadConfig(process.env);
    setup = await prepareDemo(config, framework);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`sluice ${framework} demo: configuration error: ${error.message}`);
    process.exit(1);
  }
  const running = await start(setup);
  console.log(`Sluice ${framework} demo on ${running.url} (storage: ${describeStorage(setup.config)})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    // Stop accepting connections, fail the uploads in flight with 503 SHUTTING_DOWN,
    // and exit only once their storage writes are aborted and cleaned up (partial
    // files, S3 multipart uploads): closing the server alone would wait for them,
    // then cut them off and exit with the clean-up still running.
    Promise.all([running.close(), setup.handler.shutdown(), setup.tus.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

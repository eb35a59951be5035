import type { S3Client } from '@aws-sdk/client-s3';
import type { sweepExpiredS3Uploads } from '../storage/s3/resumable-sweep.js';
import type { sweepMultipartUploads } from '../storage/s3/sweep.js';

/** Imports the SDK package; the CLI's seam so a test can make it unresolvable. */
export type ImportModule = (specifier: string) => Promise<unknown>;

/** What `sluice sweep` needs from the optional AWS SDK. */
export interface SweepModules {
  S3Client: typeof S3Client;
  sweepMultipartUploads: typeof sweepMultipartUploads;
  sweepExpiredS3Uploads: typeof sweepExpiredS3Uploads;
}

/** The package `sluice sweep` cannot run without (an optional peer of @sluice/core). */
export const SWEEP_SDK_PACKAGE = '@aws-sdk/client-s3';

/** Thrown when the AWS SDK is not installed: its message is the whole advice an operator needs. */
export class MissingSdkError extends Error {
  override name = 'MissingSdkError';
}

const importNative: ImportModule = (specifier) => import(specifier);

function isNotFound(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' || (typeof message === 'string' && /Cannot find (package|module)/.test(message));
}

/**
 * Loads the S3 client and the sweeper only when `sweep` runs: the SDK is an
 * optional peer, so `sluice --help` and usage errors must work without it.
 * The SDK is imported first and on its own, so that "not installed" is told
 * apart from any other failure to load.
 */
export async function loadSweepModules(importModule: ImportModule = importNative): Promise<SweepModules> {
  let sdk: { S3Client: typeof S3Client };
  try {
    sdk = (await importModule(SWEEP_SDK_PACKAGE)) as { S3Client: typeof S3Client };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new MissingSdkError(
      `${SWEEP_SDK_PACKAGE} is not installed. \`sluice sweep\` talks to S3 through the AWS SDK v3, an optional peer dependency of @sluice/core:\n` +
        `    npm install ${SWEEP_SDK_PACKAGE}\n` +
        '(the S3 storage driver needs @aws-sdk/lib-storage as well; the sweep does not)',
      { cause: error },
    );
  }
  const [sweep, resumable] = await Promise.all([import('../storage/s3/sweep.js'), import('../storage/s3/resumable-sweep.js')]);
  return { S3Client: sdk.S3Client, sweepMultipartUploads: sweep.sweepMultipartUploads, sweepExpiredS3Uploads: resumable.sweepExpiredS3Uploads };
}

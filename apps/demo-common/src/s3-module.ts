/**
 * What STORAGE=s3 needs from the S3 module (@sluice/core/s3), shared by the
 * storage driver and the resumable store: loading one of its exports with a
 * clear ConfigError when it is missing, and the SDK client settings.
 */
import { ConfigError, type StorageConfig } from './config.js';

/** The S3 module; a variable so that the demos build and run without it. */
export const S3_MODULE = '@sluice/core/s3';

/**
 * The export `name` of the module `load` imports (the S3 module, or a
 * replacement in tests). Throws a ConfigError that says STORAGE=s3 needs the
 * S3 driver when the module cannot be loaded or has no such function.
 */
export async function s3ModuleExport<Name extends string, Fn>(load: () => Promise<{ [key in Name]?: Fn }>, name: Name): Promise<Fn> {
  let found: Fn | undefined;
  try {
    found = (await load())[name];
  } catch (error) {
    throw new ConfigError(`STORAGE=s3 needs the S3 driver (${S3_MODULE}), which could not be loaded: ${(error as Error).message}`);
  }
  if (typeof found !== 'function') throw new ConfigError(`STORAGE=s3 needs the S3 driver: ${S3_MODULE} has no ${name} export`);
  return found;
}

/** The SDK client settings of STORAGE=s3; credentials only when configured (otherwise the SDK's own chain finds them). */
export function s3ClientConfig(settings: Extract<StorageConfig, { kind: 's3' }>): Record<string, unknown> {
  const credentials = settings.accessKeyId ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined;
  return { region: settings.region, endpoint: settings.endpoint, forcePathStyle: settings.forcePathStyle, ...(credentials ? { credentials } : {}) };
}

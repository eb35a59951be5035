/** The tus servers the tus section starts, each in its own process. */
export type TusKind = 'sluice-tus-s3' | 'tus-server-s3';

/** How each contender is named in the report. */
export const TUS_LABELS: Record<TusKind | 'sluice-s3', string> = {
  'sluice-tus-s3': 'Sluice tus → S3 (`s3Resumable`)',
  'tus-server-s3': '`@tus/server` + `@tus/s3-store` → S3',
  'sluice-s3': 'Sluice multipart `POST` → S3 (one request)',
};

/** The tus endpoint's path on every tus contender. */
export const TUS_PATH = '/files';

/** The part size @tus/s3-store is given: the same 8 MiB as each PATCH (its own default too). */
export const TUS_PART_SIZE = 8 * 1024 * 1024;

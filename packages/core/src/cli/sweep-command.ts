import { parseArgs } from 'node:util';
import type { SweepProgress, SweepSummary } from '../storage/s3/sweep.js';
import { formatAge, parseDuration } from './duration.js';
import { loadSweepModules, MissingSdkError, type SweepModules } from './load-sweep.js';
import type { CliIo } from './run-cli.js';

/** The help text of `sluice sweep`. */
export const SWEEP_USAGE = `usage: sluice sweep --bucket B --older-than 24h [options]
       sluice sweep --bucket B --tus-state .tus/ [options]

Aborts multipart uploads that were started longer ago than --older-than and
never completed (what a crashed or killed upload leaves behind).

With --tus-state it removes the resumable (tus) uploads whose own expiry has
passed: their multipart upload, partial objects and state. On a bucket that
holds resumable uploads, give --older-than only together with a --prefix
that excludes them, or a duration longer than their expiry: an age-based
sweep cannot tell a live resumable upload from an abandoned one.

options:
  --bucket B            the bucket (required)
  --older-than D        only uploads started more than D ago: 24h, 90m, 7d, 0 (required)
  --prefix P            only keys starting with P
  --tus-state P         remove expired resumable uploads whose state is under P
                        (the store's statePrefix, e.g. .tus/); no dry run
  --dry-run             list what would be aborted, abort nothing
  --endpoint URL        an S3-compatible endpoint (default: $S3_ENDPOINT, else AWS)
  --region R            the region (default: $AWS_REGION, $S3_REGION, else us-east-1)
  --force-path-style    path-style URLs, for servers without bucket DNS (default: $S3_FORCE_PATH_STYLE)
  --json                print the summary as one JSON line
Credentials come from the usual AWS sources (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance roles).
`;

const OPTIONS = {
  bucket: { type: 'string' },
  'older-than': { type: 'string' },
  prefix: { type: 'string' },
  'tus-state': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'force-path-style': { type: 'boolean' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parseSweepArgs = (args: readonly string[]) => parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false });

function progressLine({ upload, action }: SweepProgress, now: number): string {
  const age = upload.initiated ? `started ${formatAge(now - upload.initiated.getTime())} ago` : 'start time unknown';
  return `${action.padEnd(11)} ${upload.key}  (upload ${upload.uploadId}, ${age})\n`;
}

function summaryLine(summary: SweepSummary, bucket: string): string {
  const verb = summary.dryRun ? `would abort ${summary.eligible}` : `aborted ${summary.aborted}`;
  return `sweep ${bucket}: found ${summary.found}, ${verb}, skipped ${summary.skipped}, errors ${summary.errors}${summary.dryRun ? ' (dry run)' : ''}\n`;
}

/**
 * `sluice sweep ...`: resolves with the exit code (0 ok, 1 some abort or the
 * listing failed or the AWS SDK is not installed, 2 bad usage). Usage is
 * checked before the SDK is loaded, so a typo is reported without it.
 */
export async function runSweep(args: readonly string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parseSweepArgs>['values'];
  let olderThanMs: number | undefined;
  try {
    ({ values } = parseSweepArgs(args));
    if (values.help) {
      io.stdout.write(SWEEP_USAGE);
      return 0;
    }
    if (!values.bucket) throw new TypeError('--bucket is required');
    const tusState = values['tus-state'];
    if (values['older-than'] === undefined && tusState === undefined) throw new TypeError('--older-than is required (e.g. 24h; 0 aborts every pending upload), or --tus-state');
    if (tusState !== undefined && values['dry-run']) throw new TypeError('--dry-run does not go with --tus-state: expired resumable uploads are removed');
    olderThanMs = values['older-than'] === undefined ? undefined : parseDuration(values['older-than']);
  } catch (error) {
    io.stderr.write(`sluice sweep: ${(error as Error).message}\n\n${SWEEP_USAGE}`);
    return 2;
  }
  let modules: SweepModules;
  try {
    modules = await loadSweepModules(io.importModule);
  } catch (error) {
    if (!(error instanceof MissingSdkError)) throw error;
    io.stderr.write(`sluice sweep: ${error.message}\n`);
    return 1;
  }
  const { S3Client, sweepMultipartUploads, sweepExpiredS3Uploads } = modules;
  const { env } = io;
  const endpoint = values.endpoint ?? (env.S3_ENDPOINT || undefined);
  const client = new S3Client({
    region: values.region ?? env.AWS_REGION ?? env.S3_REGION ?? 'us-east-1',
    endpoint,
    forcePathStyle: values['force-path-style'] ?? env.S3_FORCE_PATH_STYLE === 'true',
    // S3-compatible servers (radosgw) refuse the SDK's newer default checksums on some requests.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const now = io.now?.() ?? Date.now();
  try {
    const tusState = values['tus-state'];
    if (tusState !== undefined) {
      const { removed } = await sweepExpiredS3Uploads({ client, bucket: values.bucket, statePrefix: tusState, now: new Date(now) });
      io.stdout.write(values.json ? `${JSON.stringify({ resumableRemoved: removed })}\n` : `sweep ${values.bucket}: removed ${removed} expired resumable upload(s) under ${tusState}\n`);
    }
    if (olderThanMs === undefined) return 0;
    const summary = await sweepMultipartUploads({
      client,
      bucket: values.bucket,
      olderThanMs,
      prefix: values.prefix,
      dryRun: values['dry-run'],
      now: () => now,
      onProgress: (progress) => {
        if (!values.json) io.stdout.write(progressLine(progress, now));
      },
    });
    io.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : summaryLine(summary, values.bucket));
    return summary.errors > 0 ? 1 : 0;
  } catch (error) {
    // An operator runs this: the S3 error name and status are what they need to act.
    const { name, message, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
    io.stderr.write(`sluice sweep: ${name}${$metadata?.httpStatusCode ? ` (HTTP ${$metadata.httpStatusCode})` : ''}: ${message}\n`);
    return 1;
  } finally {
    client.destroy();
  }
}

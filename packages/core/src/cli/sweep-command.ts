import { parseArgs } from 'node:util';
import type { SweepProgress, SweepSummary } from '../storage/s3/sweep.js';
import { formatAge, parseDuration } from './duration.js';
import { loadSweepModules, MissingSdkError, type SweepModules } from './load-sweep.js';
import type { CliIo } from './run-cli.js';

/** The help text of `sluice sweep`. */
export const SWEEP_USAGE = `usage: sluice sweep --bucket B --older-than 24h [options]

Aborts multipart uploads that were started longer ago than --older-than and
never completed (what a crashed or killed upload leaves behind).

options:
  --bucket B            the bucket (required)
  --older-than D        only uploads started more than D ago: 24h, 90m, 7d, 0 (required)
  --prefix P            only keys starting with P
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
  let olderThanMs: number;
  try {
    ({ values } = parseSweepArgs(args));
    if (values.help) {
      io.stdout.write(SWEEP_USAGE);
      return 0;
    }
    if (!values.bucket) throw new TypeError('--bucket is required');
    if (values['older-than'] === undefined) throw new TypeError('--older-than is required (e.g. 24h; 0 aborts every pending upload)');
    olderThanMs = parseDuration(values['older-than']);
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
  const { S3Client, sweepMultipartUploads } = modules;
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
  const now = Date.now();
  try {
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

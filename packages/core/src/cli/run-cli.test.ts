import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './run-cli.js';

function io(): CliIo & { out: string; err: string } {
  const sink = { out: '', err: '', env: {} } as CliIo & { out: string; err: string };
  sink.stdout = { write: (text: string) => (sink.out += text) };
  sink.stderr = { write: (text: string) => (sink.err += text) };
  return sink;
}

// The S3 side of `sluice sweep` runs against radosgw in test/s3/operations.test.ts.
describe('sluice CLI (no S3 needed)', () => {
  it('prints usage for --help (exit 0) and for no command (exit 2)', async () => {
    const help = io();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.out).toContain('usage: sluice sweep');
    expect(await runCli([], io())).toBe(2);
  });

  it('refuses an unknown command and missing options with exit 2', async () => {
    const unknown = io();
    expect(await runCli(['sweeep'], unknown)).toBe(2);
    expect(unknown.err).toContain('unknown command "sweeep"');
    const missing = io();
    expect(await runCli(['sweep', '--older-than', '1d'], missing)).toBe(2);
    expect(missing.err).toContain('--bucket is required');
    const noAge = io();
    expect(await runCli(['sweep', '--bucket', 'b'], noAge)).toBe(2);
    expect(noAge.err).toContain('--older-than is required');
    const unknownFlag = io();
    expect(await runCli(['sweep', '--bucket', 'b', '--older-than', '1d', '--force'], unknownFlag)).toBe(2);
  });
});

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

describe('sluice CLI without the optional AWS SDK', () => {
  // Node's own resolution failure, for a package name no project has: what a
  // user without @aws-sdk/client-s3 gets from import().
  const unresolvable = (asked: string[]) => (specifier: string) => {
    asked.push(specifier);
    return import(`${specifier}-not-installed-${process.pid}`);
  };

  it('--help and usage errors never load the SDK', async () => {
    const asked: string[] = [];
    const help = { ...io(), importModule: unresolvable(asked) };
    expect(await runCli(['--help'], help)).toBe(0);
    expect(await runCli(['sweep', '--help'], { ...io(), importModule: unresolvable(asked) })).toBe(0);
    expect(await runCli(['sweep', '--bucket', 'b'], { ...io(), importModule: unresolvable(asked) })).toBe(2);
    expect(await runCli(['sweep', '--bucket', 'b', '--older-than', '24'], { ...io(), importModule: unresolvable(asked) })).toBe(2);
    expect(asked).toEqual([]);
  });

  it('sweep says which package to install and exits 1, with no stack trace', async () => {
    const asked: string[] = [];
    const sink = io();
    expect(await runCli(['sweep', '--bucket', 'b', '--older-than', '1d'], { ...sink, importModule: unresolvable(asked) })).toBe(1);
    expect(asked).toEqual(['@aws-sdk/client-s3']);
    expect(sink.err).toContain('@aws-sdk/client-s3 is not installed');
    expect(sink.err).toContain('npm install @aws-sdk/client-s3');
    expect(sink.err).not.toMatch(/\n\s+at /);
    expect(sink.out).toBe('');
  });

  it('a failure other than "not installed" is not disguised as one', async () => {
    const broken = () => Promise.reject(new SyntaxError('Unexpected token in the SDK'));
    await expect(runCli(['sweep', '--bucket', 'b', '--older-than', '1d'], { ...io(), importModule: broken })).rejects.toThrow(SyntaxError);
  });
});

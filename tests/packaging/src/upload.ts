import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './command.js';

/** A file to upload: a neutral first line (so nothing sniffs it as a known format), then random bytes. */
export interface TestFile {
  path: string;
  bytes: Buffer;
  sha256: string;
}

/** Writes a test file of about `size` bytes into `dir`. */
export async function makeTestFile(dir: string, name: string, size: number): Promise<TestFile> {
  const bytes = Buffer.concat([Buffer.from('sluice packaging test\n'), randomBytes(size)]);
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return { path: file, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** What a consumer answers for one stored file. */
export interface AnsweredFile {
  key: string;
  size: number;
  name: string;
  checksums: { sha256?: string };
}

/**
 * Uploads `file` as field `file` (plus a text field `note`) with curl, the
 * client a user would try first, and returns the consumer's JSON answer.
 */
export async function curlUpload(port: number, file: TestFile, filename: string): Promise<{ files: Record<string, AnsweredFile[]>; fields: Record<string, string> }> {
  const { code, stdout, stderr } = await run(
    'curl',
    ['-sS', '--fail-with-body', '--max-time', '60', '-F', 'note=hello from curl', '-F', `file=@${file.path};filename=${filename};type=application/octet-stream`, `http://127.0.0.1:${port}/upload`],
    { cwd: path.dirname(file.path), timeoutMs: 70_000 },
  );
  if (code !== 0) throw new Error(`curl exited ${code}: ${stderr}\n${stdout}`);
  return JSON.parse(stdout) as { files: Record<string, AnsweredFile[]>; fields: Record<string, string> };
}

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

/** Sends `file` as field `file` (plus a text field `note`) with curl, and returns the HTTP status and body. */
export async function curlPost(port: number, file: TestFile, filename: string): Promise<{ status: number; body: string }> {
  const { code, stdout, stderr } = await run(
    'curl',
    ['-sS', '--max-time', '60', '-w', '\n%{http_code}', '-F', 'note=hello from curl', '-F', `file=@${file.path};filename=${filename};type=application/octet-stream`, `http://127.0.0.1:${port}/upload`],
    { cwd: path.dirname(file.path), timeoutMs: 70_000 },
  );
  if (code !== 0) throw new Error(`curl exited ${code}: ${stderr}\n${stdout}`);
  const newline = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(newline + 1)), body: stdout.slice(0, newline) };
}

/**
 * Uploads `file` with curl, the client a user would try first, and returns
 * the consumer's JSON answer; any status but 200 rejects.
 */
export async function curlUpload(port: number, file: TestFile, filename: string): Promise<{ files: Record<string, AnsweredFile[]>; fields: Record<string, string> }> {
  const { status, body } = await curlPost(port, file, filename);
  if (status !== 200) throw new Error(`the upload answered ${status}: ${body}`);
  return JSON.parse(body) as { files: Record<string, AnsweredFile[]>; fields: Record<string, string> };
}

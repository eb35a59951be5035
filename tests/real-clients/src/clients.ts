import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import axios from 'axios';
import FormDataPackage from 'form-data';
import RawQuotingFormData from 'form-data-4.0.4';
import type { UploadAnswer } from './demo.js';
import type { Vector } from './names.js';

/** Debian's python, with Debian's python3-requests (scripts/system/python-requests.sh). */
export const PYTHON = '/usr/bin/python3';

/** What a client got back: the status and the demo's JSON. */
export interface Sent {
  status: number;
  body: UploadAnswer;
}

function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Writes each vector's bytes to a temporary file (its real name never matters to the clients that take a name). */
async function withFiles<T>(vectors: readonly Vector[], use: (paths: string[]) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-clients-'));
  try {
    const paths = await Promise.all(
      vectors.map(async (vector, i) => {
        const file = path.join(dir, `f${i}`);
        await writeFile(file, vector.content);
        return file;
      }),
    );
    return await use(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Splits `-w` output: the body, then the status on the last line. */
function curlAnswer(stdout: string): Sent {
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: JSON.parse(stdout.slice(0, cut)) as UploadAnswer };
}

/**
 * curl `-F`: each file as `file=@path;filename="…";type=…`. In curl's own
 * syntax a quoted filename escapes `"` and `\` with a backslash; curl then
 * writes the name with the WHATWG escapes (curl >= 7.81).
 */
export function curlForm(url: string, vectors: readonly Vector[]): Promise<Sent> {
  return withFiles(vectors, async (paths) => {
    const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '--max-time', '30'];
    vectors.forEach((vector, i) => {
      const quoted = vector.name.replace(/[\\"]/g, (c) => `\\${c}`);
      args.push('-F', `file=@${paths[i]};filename="${quoted}";type=${vector.type}`);
    });
    return curlAnswer(await run('curl', [...args, url]));
  });
}

/** curl sending the file as the whole body: `-T` (PUT) or `--data-binary @file` (POST), with or without a name header. */
export function curlRaw(url: string, vector: Vector, how: 'upload-file' | 'data-binary', headers: string[] = []): Promise<Sent> {
  return withFiles([vector], async ([file]) => {
    const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '--max-time', '30', '-H', `Content-Type: ${vector.type}`];
    for (const header of headers) args.push('-H', header);
    if (how === 'upload-file') args.push('-T', file!);
    else args.push('--data-binary', `@${file}`);
    return curlAnswer(await run('curl', [...args, url]));
  });
}

/** Node's own fetch with a WHATWG FormData of `File`s. */
export async function nodeFetch(url: string, vectors: readonly Vector[]): Promise<Sent> {
  const form = new FormData();
  for (const vector of vectors) form.append('file', new File([new Uint8Array(vector.content)], vector.name, { type: vector.type }));
  const response = await fetch(url, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as UploadAnswer };
}

/** axios posting a form built by the npm `form-data` package (what many Node clients do). */
export async function formDataAxios(url: string, vectors: readonly Vector[]): Promise<Sent> {
  const form = new FormDataPackage();
  for (const vector of vectors) form.append('file', vector.content, { filename: vector.name, contentType: vector.type });
  const response = await axios.post(url, form, { headers: form.getHeaders(), validateStatus: () => true, maxBodyLength: Infinity });
  return { status: response.status, body: response.data as UploadAnswer };
}

const PYTHON_CLIENT = `
import json, sys, requests
spec = json.load(sys.stdin)
files = [("file", (v["name"], bytes.fromhex(v["hex"]), v["type"])) for v in spec["vectors"]]
response = requests.post(spec["url"], files=files, timeout=30)
print(json.dumps({"status": response.status_code, "body": response.json()}))
`;

/** Python requests (`files=[("file", (name, bytes, type))]`), run with Debian's python3-requests. */
export async function pythonRequests(url: string, vectors: readonly Vector[]): Promise<Sent> {
  const spec = { url, vectors: vectors.map((vector) => ({ name: vector.name, type: vector.type, hex: vector.content.toString('hex') })) };
  return JSON.parse(await run(PYTHON, ['-c', PYTHON_CLIENT], JSON.stringify(spec))) as Sent;
}

/**
 * The same with form-data 4.0.4, which (like every release before 4.0.5)
 * writes `"` and line breaks raw inside the quoted file name: what many
 * deployed Node clients still send.
 */
export async function formDataAxiosRaw(url: string, vectors: readonly Vector[]): Promise<Sent> {
  const form = new RawQuotingFormData();
  for (const vector of vectors) form.append('file', vector.content, { filename: vector.name, contentType: vector.type });
  const response = await axios.post(url, form, { headers: form.getHeaders(), validateStatus: () => true, maxBodyLength: Infinity });
  return { status: response.status, body: response.data as UploadAnswer };
}

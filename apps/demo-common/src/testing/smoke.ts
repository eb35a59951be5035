import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { MemoryStorage } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import type { Env } from '../config.js';
import type { DemoSetup, RunningDemo } from '../setup.js';
import { rawGet } from './demo-client.js';
import { formWith, keysOf, postForm } from './forms.js';
import { demoStarter } from './demo-starter.js';
import { runS3SmokeTests, type StartedDemo, type StorageKind } from './smoke-s3.js';

/** Starts one demo app (its `startServer`). */
export type StartDemo = (setup: DemoSetup) => Promise<RunningDemo>;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** Runs a demo's `src/server.ts` with `env`; resolves with its exit code and output once it exits. */
export function runServerScript(appDir: string, env: Env, untilExitMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: appDir, env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server.ts did not exit within ${untilExitMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, untilExitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The demo behaviour every app must show over HTTP, for memory, disk and S3
 * storage (S3: a fresh bucket per test on the server the core-s3 global setup
 * provides, which the app's vitest config must run): page, upload, list,
 * byte-exact download, safe headers, 404 for unsafe keys, and afterwards
 * storage holding exactly the uploaded files (on S3, no pending multipart
 * upload either); and `server.ts` refusing a bad environment and stopping cleanly.
 */
export function runDemoSmokeTests(framework: string, start: StartDemo, appDir: string): void {
  const startDemo = demoStarter(framework, start, 'demo', { MAX_FILE_SIZE: '64KiB' });

  async function startWith(storage: StorageKind, env: Env = {}): Promise<StartedDemo> {
    const { url, setup, dir, space } = await startDemo(storage, env);
    const stored = async (): Promise<string[]> => {
      if (space) return (await space.leftovers()).sort();
      if (storage === 'disk') return (await filesUnder(dir)).sort();
      return (setup.storage as MemoryStorage).keys().sort();
    };
    return { url, setup, stored, space };
  }

  for (const storage of ['memory', 'disk', 's3'] as const) {
    describe(`${framework} demo, STORAGE=${storage}`, () => {
      it('serves the page, stores uploads, lists them and streams them back byte for byte', async () => {
        const { url, stored } = await startWith(storage);
        const page = await fetch(url);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        const html = await page.text();
        expect(html).toContain('id="file-input"');
        expect(html).toContain(`"framework":"${framework}"`);

        const binary = randomBytes(50_000);
        const upload = await postForm(
          url,
          formWith(
            [
              { name: 'notes.txt', content: 'hello\n', type: 'text/plain' },
              { name: 'naïve 日本.bin', content: binary },
            ],
            { title: 'smoke' },
          ),
        );
        expect(upload.status).toBe(200);
        expect(Object.keys(upload.json).sort()).toEqual(['fields', 'files', 'requestId', 'stats']);
        expect(upload.json.fields).toEqual({ title: 'smoke' });
        expect(upload.json.files.map((f: { name: string; size: number }) => [f.name, f.size])).toEqual([
          ['notes.txt', 6],
          ['naïve 日本.bin', 50_000],
        ]);
        expect(upload.json.files[0].checksums.sha256).toMatch(/^[0-9a-f]{64}$/);

        const listed = await (await fetch(`${url}/files`)).json();
        expect(listed.files.map((f: { key: string }) => f.key).sort()).toEqual(upload.json.files.map((f: { key: string }) => f.key).sort());

        const download = await fetch(`${url}${upload.json.files[1].url}`);
        expect(download.status).toBe(200);
        expect(Buffer.from(await download.arrayBuffer()).equals(binary)).toBe(true);
        expect(download.headers.get('x-content-type-options')).toBe('nosniff');
        expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="na\?ve \?\?\.bin"; filename\*=UTF-8''na%C3%AFve%20%E6%97%A5%E6%9C%AC\.bin$/);
        const text = await fetch(`${url}${upload.json.files[0].url}`);
        expect(await text.text()).toBe('hello\n');

        expect(await stored()).toEqual(keysOf(upload));
      });

      it('answers limits and refused types with the JSON error', async () => {
        const { url, stored } = await startWith(storage);
        const big = await postForm(url, formWith([{ name: 'big.bin', content: randomBytes(64 * 1024 + 1) }]));
        expect(big.status).toBe(413);
        expect(big.json).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 65536 } });
        const html = await postForm(url, formWith([{ name: 'page.html', content: '<!doctype html><script>alert(1)</script>', type: 'text/html' }]));
        expect(html.status).toBe(415);
        expect(html.json.error).toMatchObject({ code: 'TYPE_NOT_ALLOWED', type: 'text/html' });
        const svg = await postForm(url, formWith([{ name: 'cat.png', content: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', type: 'image/png' }]));
        expect(svg.status).toBe(415);
        expect(svg.json.error.type).toBe('image/svg+xml');
        expect((await (await fetch(`${url}/files`)).json()).files).toEqual([]);
        expect(await stored()).toEqual([]);
      });

      it('answers Expect: 100-continue with an oversized length from the headers: 413, no 100 Continue', async () => {
        const { url, stored } = await startWith(storage, { MAX_TOTAL_SIZE: '1MiB' });
        const { port } = new URL(url);
        const reply = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1');
          let text = '';
          socket.setTimeout(5000, () => reject(new Error(`no answer, got ${JSON.stringify(text)}`)));
          socket.on('data', (chunk) => {
            text += chunk.toString('latin1');
            if (text.includes('\r\n\r\n')) {
              socket.destroy();
              resolve(text);
            }
          });
          socket.on('error', reject);
          socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10737418240\r\nExpect: 100-continue\r\n\r\n`);
        });
        expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
        expect(await stored()).toEqual([]);
      });

      it('serves allowed HTML only as an attachment, with nosniff and a sandbox', async () => {
        const { url, stored } = await startWith(storage, { ALLOWED_TYPES: 'text/html' });
        const content = '<!doctype html><h1>hi</h1><script>alert(document.cookie)</script>';
        const upload = await postForm(url, formWith([{ name: 'x"; evil=1\r\n.html', content, type: 'text/html' }]));
        expect(upload.status).toBe(200);
        const download = await fetch(`${url}${upload.json.files[0].url}`);
        expect(await download.text()).toBe(content);
        expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"\r\n]*\.html"/);
        expect(download.headers.get('content-disposition')).not.toMatch(/evil=1\s*$|\r|\n/);
        expect(download.headers.get('x-content-type-options')).toBe('nosniff');
        expect(download.headers.get('content-security-policy')).toContain('sandbox');
        expect(await stored()).toEqual(keysOf(upload));
      });

      it('answers 404 for unsafe and missing keys', async () => {
        const { url, stored } = await startWith(storage);
        for (const path of [
          '/files/../../etc/passwd',
          '/files/..%2F..%2Fpackage.json',
          '/files/%2e%2e/%2e%2e/package.json',
          '/files/a/./b',
          '/files/%00x',
          '/files/2026/01/missing.txt',
          '/files/%E0%A4%A',
        ]) {
          const response = await rawGet(url, path);
          expect(response.status, path).toBe(404);
          expect(response.body.toString()).not.toContain('root:');
        }
        expect(await stored()).toEqual([]);
      });
    });
  }

  runS3SmokeTests(framework, startWith);

  describe(`${framework} demo: src/server.ts`, () => {
    it.each([
      ['MAX_FILE_SIZE', '10 potatoes'],
      ['MAX_FILES', '-3'],
      ['PORT', '99999'],
      ['STORAGE', 'floppy'],
      ['CHECKSUM', 'crc64'],
      ['ALLOWED_TYPES', 'html'],
    ])('refuses %s=%s with a message naming it and exit code 1', async (name, value) => {
      const { code, stderr, stdout } = await runServerScript(appDir, { STORAGE: 'memory', PORT: '0', [name]: value });
      expect(code).toBe(1);
      expect(stderr).toContain('configuration error');
      expect(stderr).toContain(name);
      expect(stdout).not.toContain('demo on http');
    });

    it('names S3_BUCKET when STORAGE=s3 has none', async () => {
      const { code, stderr } = await runServerScript(appDir, { STORAGE: 's3', PORT: '0' });
      expect(code).toBe(1);
      expect(stderr).toContain('S3_BUCKET');
    });

    it('starts, logs its URL, serves, and exits 0 on SIGTERM', async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: appDir, env: { PATH: process.env.PATH, STORAGE: 'memory', PORT: '0' } });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await expect.poll(() => /demo on (http:\/\/\S+)/.exec(stdout)?.[1], { timeout: 15_000 }).toMatch(/^http:\/\/localhost:\d+$/);
        const url = /demo on (http:\/\/\S+)/.exec(stdout)![1]!;
        expect((await rawGet(url, '/')).status).toBe(200);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(stdout).toContain('SIGTERM: shutting down');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
}

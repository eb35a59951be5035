/**
 * Headless Chromium (Debian's, driven by playwright-core) uploads to the
 * Express demo the way pages do: a `fetch` with a FormData of `File`s, and a
 * real `<form>` submitted with its file inputs (one left untouched), on a
 * UTF-8 page and on a windows-1252 page. Stored files are downloaded back
 * and compared byte for byte; reported names with the names given.
 */
import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, type UploadAnswer, download, startDemo } from '../src/demo.js';
import { VECTORS, type Vector } from '../src/names.js';

/** Debian's Chromium; Playwright's own browser download is not used. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  // A missing browser fails the suite here; it is never skipped.
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: bash scripts/setup-system.sh as root`);
  demo = await startDemo();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function expectStored(answer: UploadAnswer, vectors: readonly Vector[]): Promise<void> {
  expect(answer.files.map((file) => file.name)).toEqual(vectors.map((vector) => vector.name));
  for (const [i, file] of answer.files.entries()) {
    expect((await download(demo, file)).equals(vectors[i]!.content), `bytes of ${JSON.stringify(vectors[i]!.name)}`).toBe(true);
    expect(file.key).not.toMatch(/[\u0000-\u001f"\\]/);
  }
}

/** A page on the demo's origin with the given HTML and charset (served by the browser's router, so any charset can be declared). */
async function openPage(html: Buffer, charset: string): Promise<Page> {
  const page = await browser.newPage();
  const url = new URL('/real-clients-form', demo.url).href;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: `text/html; charset=${charset}`, body: html }));
  await page.goto(url);
  return page;
}

/** Submits the page's form and returns the demo's JSON answer. */
async function submit(page: Page): Promise<UploadAnswer> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/upload') && r.request().method() === 'POST'), page.click('#send')]);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as UploadAnswer;
}

describe('Chromium', () => {
  it('fetch with a FormData of Files: every name as given (filename="" for the empty one), every byte', async () => {
    const page = await openPage(Buffer.from('<!doctype html><meta charset="utf-8"><title>fetch</title>'), 'utf-8');
    const answer = await page.evaluate(
      async (vectors) => {
        const form = new FormData();
        for (const vector of vectors) {
          const bytes = Uint8Array.from(atob(vector.base64), (c) => c.charCodeAt(0));
          form.append('file', new File([bytes], vector.name, { type: vector.type }));
        }
        const response = await fetch('/upload', { method: 'POST', body: form });
        return { status: response.status, body: await response.json() };
      },
      VECTORS.map((vector) => ({ name: vector.name, type: vector.type, base64: vector.content.toString('base64') })),
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.fields).toEqual({});
    await expectStored(answer.body as UploadAnswer, VECTORS);
    await page.close();
  });

  it('a real <form> on a UTF-8 page: chosen files stored under their names, the untouched optional input skipped', async () => {
    // File names a file system can hold (no line break: that one goes through fetch above).
    const chosen = VECTORS.filter((vector) => vector.name !== '' && !vector.name.includes('\n'));
    const inputs = chosen.map((_, i) => `<input type="file" name="file" id="f${i}">`).join('');
    const page = await openPage(
      Buffer.from(
        `<!doctype html><meta charset="utf-8"><title>form</title><form method="post" enctype="multipart/form-data" action="/upload">${inputs}<input type="file" name="optional"><button id="send">Send</button></form>`,
      ),
      'utf-8',
    );
    for (const [i, vector] of chosen.entries()) await page.setInputFiles(`#f${i}`, { name: vector.name, mimeType: vector.type, buffer: vector.content });
    const answer = await submit(page);
    expect(answer.fields).toEqual({});
    await expectStored(answer, chosen);
    await page.close();
  });

  it.each([
    ['with a _charset_ field', true],
    ['without one (names not UTF-8 are read as windows-1252)', false],
  ])('a real <form> on a windows-1252 page, %s: names arrive as the user typed them', async (_, withCharsetField) => {
    const vector = { title: 'latin1', name: 'café crème.bin', type: 'application/octet-stream', content: VECTORS[0]!.content };
    const hidden = withCharsetField ? '<input type="hidden" name="_charset_">' : '';
    const html = `<!doctype html><title>latin1</title><form method="post" enctype="multipart/form-data" action="/upload">${hidden}<input name="note" value="déjà vu"><input type="file" name="file" id="f"><button id="send">Send</button></form>`;
    const page = await openPage(Buffer.from(html, 'latin1'), 'windows-1252');
    expect(await page.evaluate(() => document.characterSet)).toBe('windows-1252');
    await page.setInputFiles('#f', { name: vector.name, mimeType: vector.type, buffer: vector.content });
    const answer = await submit(page);
    await expectStored(answer, [vector]);
    // The page's encoding reaches the server only through _charset_; with it, text values decode too.
    if (withCharsetField) expect(answer.fields).toEqual({ _charset_: 'windows-1252', note: 'déjà vu' });
    await page.close();
  });
});

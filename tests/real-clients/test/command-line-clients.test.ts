/**
 * curl, Node's fetch, form-data + axios and Python requests upload every name
 * of issue 11 to the Express demo over a real socket. Each stored file is
 * downloaded back and compared byte for byte; each reported name is compared
 * with the name the client was given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sent, curlForm, curlRaw, formDataAxios, formDataAxiosRaw, nodeFetch, pythonRequests } from '../src/clients.js';
import { type Demo, download, startDemo } from '../src/demo.js';
import { VECTORS, VECTORS_WITHOUT_EMPTY_FILENAME, type Vector } from '../src/names.js';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

/** Every vector arrived, in order, under its own name, byte for byte, with a safe name and key. */
async function expectIntact(sent: Sent, vectors: readonly Vector[]): Promise<void> {
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  expect(sent.body.files.map((file) => file.name)).toEqual(vectors.map((vector) => vector.name));
  expect(sent.body.fields).toEqual({});
  for (const [i, file] of sent.body.files.entries()) {
    expect(file.size).toBe(vectors[i]!.content.length);
    expect((await download(demo, file)).equals(vectors[i]!.content), `bytes of ${JSON.stringify(vectors[i]!.name)}`).toBe(true);
    expect(file.safeName).not.toMatch(/[\u0000-\u001f"\\/]/);
    expect(file.key).not.toMatch(/[\u0000-\u001f"\\]/);
  }
}

const upload = () => new URL('/upload', demo.url).href;

describe('curl -F', () => {
  // curl sends `filename=""` for an empty name: a text/plain file with an empty name stays a file.
  it('every name arrives as sent and every file byte for byte', async () => {
    await expectIntact(await curlForm(upload(), VECTORS), VECTORS);
  });

  it('an untouched optional file input (filename="", no bytes) is skipped, not stored', async () => {
    const empty = { title: 'untouched input', name: '', type: 'application/octet-stream', content: Buffer.alloc(0) };
    const sent = await curlForm(upload(), [empty, VECTORS[0]!]);
    await expectIntact(sent, [VECTORS[0]!]);
  });
});

describe.each([
  ['Node fetch + FormData', nodeFetch],
  ['form-data 4.0.6 + axios', formDataAxios],
  ['form-data 4.0.4 + axios (raw quotes and line breaks)', formDataAxiosRaw],
  ['Python requests (Debian python3-requests)', pythonRequests],
] as const)('%s', (_client, send) => {
  it('every name arrives as sent and every file byte for byte', async () => {
    await expectIntact(await send(upload(), VECTORS_WITHOUT_EMPTY_FILENAME), VECTORS_WITHOUT_EMPTY_FILENAME);
  });
});

describe('raw-body uploads with curl', () => {
  const pdf = { ...VECTORS[0]!, name: '', type: 'application/pdf' };

  it.each([
    ['-T (PUT)', 'upload-file'],
    ['--data-binary (POST)', 'data-binary'],
  ] as const)("curl %s without a name: stored with a generated name that has the type's extension", async (_, how) => {
    const sent = await curlRaw(upload(), pdf, how);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const [file] = sent.body.files;
    expect(file).toMatchObject({ name: '', safeName: 'file.pdf', size: pdf.content.length });
    expect((await download(demo, file!)).equals(pdf.content)).toBe(true);
  });

  it('a raw UTF-8 X-File-Name arrives as UTF-8, a percent-encoded one decoded', async () => {
    const name = 'résumé 🎉.bin';
    const raw = await curlRaw(upload(), { ...pdf, type: 'application/octet-stream' }, 'data-binary', [`X-File-Name: ${name}`]);
    expect(raw.body.files[0]?.name).toBe(name);
    const encoded = await curlRaw(upload(), { ...pdf, type: 'application/octet-stream' }, 'data-binary', [`X-File-Name: ${encodeURIComponent(name)}`]);
    expect(encoded.body.files[0]?.name).toBe(name);
  });
});

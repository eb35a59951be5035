import busboy from 'busboy';
import { Busboy as FBusboy } from '@fastify/busboy';
import { Readable } from 'node:stream';
const boundary = '----WebKitFormBoundaryQ7x9Kf2LmZpR4tVw';
const needle = `\r\n--${boundary}`;
const L = needle.length;
const SIZE = 16 * 1024 * 1024;
function fill(unit: string): Buffer { const u = Buffer.from(unit, 'latin1'); const b = Buffer.alloc(SIZE); for (let o = 0; o < SIZE; o += u.length) u.copy(b, o, 0, Math.min(u.length, SIZE - o)); return b; }
const variants: Record<string, Buffer> = {
  random: (() => { const b = Buffer.alloc(SIZE); for (let i = 0; i < SIZE; i++) b[i] = (i * 2654435761) >>> 24; return b; })(),
  A_needle_minus_last: fill(needle.slice(0, -1)),
  B_second_last_char: fill(needle[L - 2]!),
  C_crlf_dashdash: fill('\r\n--'),
  D_needle_last_swapped: fill(needle.slice(0, -1) + needle[L - 2]),
  E_prefix_cycle: fill(Array.from({ length: L }, (_, k) => needle.slice(0, k) + 'x').join('')),
  F_last_char: fill(needle[L - 1]!),
  G_crlf: fill('\r\n'),
};
function body(content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}
const chunks = (b: Buffer) => { const out: Buffer[] = []; for (let o = 0; o < b.length; o += 65536) out.push(b.subarray(o, o + 65536)); return out; };
const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
function run(kind: string, b: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now(); let n = 0;
    if (kind === 'indexOf') { const nb = Buffer.from(needle); let m = 0; for (const c of chunks(b)) { let i = 0; while ((i = c.indexOf(nb, i)) !== -1) { m++; i += nb.length; } n += c.length; } resolve(performance.now() - t0); return; }
    const p: any = kind === 'busboy' ? busboy({ headers }) : FBusboy({ headers });
    p.on('file', (...a: any[]) => { const s = a[1]; s.on('data', (c: Buffer) => (n += c.length)); });
    p.on('finish', () => resolve(performance.now() - t0)); p.on('error', reject);
    const cs = chunks(b); let i = 0;
    Readable.from(cs).pipe(p);
  });
}
for (const [name, content] of Object.entries(variants)) {
  const b = body(content);
  const row: string[] = [];
  for (const kind of ['indexOf', 'busboy', 'fastify']) {
    await run(kind, b);
    const times = [await run(kind, b), await run(kind, b), await run(kind, b)].sort((x, y) => x - y);
    row.push(`${kind} ${(b.length / 1e6 / (times[1]! / 1000)).toFixed(0)} MB/s`);
  }
  console.log(name.padEnd(24), row.join('  '));
}

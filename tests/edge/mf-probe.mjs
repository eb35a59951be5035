import { Miniflare } from 'miniflare';
const mf = new Miniflare({ modules: true, modulesRoot: process.argv[3], scriptPath: process.argv[2], compatibilityDate: '2026-04-01', compatibilityFlags: ['nodejs_compat'], r2Buckets: ['BUCKET'] });
try {
  const url = await mf.ready;
  let r = await fetch(new URL('/_setup', url), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  console.log('setup', r.status, await r.text());
  const fd = new FormData();
  fd.append('file', new Blob(['hello r2']), 'a.txt');
  r = await fetch(new URL('/upload', url), { method: 'POST', body: fd });
  console.log('upload', r.status, await r.text());
} catch (e) {
  console.log('ERR', e);
}
await mf.dispose();

// A Deno user of the published packages: Hono on Deno.serve, memory storage.
// Run with --allow-net only: no --allow-env, no file access.
// Prints {"ports": {"deno": N}} once it listens.
import { memoryStorage } from '@sluice/core';
import { upload } from '@sluice/hono';
import { Hono } from 'hono';

const app = new Hono();
app.post('/upload', upload({ storage: memoryStorage(), checksums: ['sha256'] }), (c) => c.json({ files: c.get('files'), fields: c.get('fields') }));

Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(JSON.stringify({ ports: { deno: port } })) }, app.fetch);

/**
 * A server for the HTTP what-if experiments (argv[2]: variant): node:http and
 * the core's Node bridge, discarding driver. Spoken to like bench servers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleNodeUpload } from '@sluice/core/node';
import { createUploadHandler, type UploadHandler, type UploadOptions } from '@sluice/core';
import { createBusboyParser } from '../../../packages/core/src/parser/busboy-parser.js';
import { serveRequests } from '../lib/child.js';
import { discardStorage } from '../lib/discard-storage.js';
import { handlerWith } from './variants.js';

const variant = process.argv[2]!;
const storage = discardStorage();
const options: UploadOptions = { storage, limits: { fileSize: Infinity, totalSize: Infinity } };
const handlers: Record<string, () => UploadHandler> = {
  'sluice as is (node:http)': () => createUploadHandler(options),
  'sluice on busboy (node:http)': () => handlerWith(createBusboyParser, options),
  // Not a fix (it drops backpressure): isolates what the pause/resume cycle per chunk costs.
  'sluice, body never paused (no backpressure)': () =>
    handlerWith((c, l, e) => {
      const parser = createBusboyParser(c, l, e);
      return { ...parser, write: (chunk) => (parser.write(chunk), true) };
    }, options),
};
// A variant may name Node flags after a colon ('sluice as is (node:http): --min-semi-space-size=16'):
// http-experiments.ts starts the process with them; the handler is the one before the colon.
const handler = handlers[variant.split(': --')[0]!]!();
let base = 0;
const server = http.createServer((req, res) => {
  handleNodeUpload(handler, req, res).then(
    () => {
      const bytes = storage.bytes - base;
      base = storage.bytes;
      res.end(JSON.stringify({ bytes }));
    },
    (error: Error) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ error: error.message }));
    },
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const gc = (globalThis as { gc?: () => void }).gc;
serveRequests(async (message) => {
  if (message.type === 'port') return { port: (server.address() as AddressInfo).port };
  if (message.type === 'stats') return { cpu: process.cpuUsage() };
  if (message.type === 'cleanup') return void gc?.();
  throw new Error(`unknown ${message.type}`);
});

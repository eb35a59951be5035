/**
 * The case app on Deno's own server (Deno.serve), memory storage, and a tus endpoint on a memory store (src/tus-routes.ts). Prints
 * `listening on PORT` once it accepts connections.
 */
import { memoryStorage } from '@sluice/core';
import { createCaseApp } from '../src/case-app.js';
import { mountTus } from '../src/tus-routes.js';

declare const Deno: {
  serve(options: { port: number; hostname: string; onListen(address: { port: number }): void }, handler: (request: Request) => Response | Promise<Response>): unknown;
};

const app = createCaseApp(() => memoryStorage());
mountTus(app);
Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening on ${port}`) }, app.fetch);

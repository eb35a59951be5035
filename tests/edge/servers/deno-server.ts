/**
 * The case app on Deno's own server (Deno.serve), memory storage. Prints
 * `listening on PORT` once it accepts connections.
 */
import { memoryStorage } from '@sluice/core';
import { createCaseApp } from '../src/case-app.js';

declare const Deno: {
  serve(options: { port: number; hostname: string; onListen(address: { port: number }): void }, handler: (request: Request) => Response | Promise<Response>): unknown;
};

const app = createCaseApp(() => memoryStorage());
Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening on ${port}`) }, app.fetch);

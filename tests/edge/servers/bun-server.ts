/**
 * The case app on Bun's own server (Bun.serve), memory storage, and a tus endpoint on a memory store (src/tus-routes.ts). Prints
 * `listening on PORT` once it accepts connections.
 */
import { memoryStorage } from '@sluice/core';
import { createCaseApp } from '../src/case-app.js';
import { mountTus } from '../src/tus-routes.js';

declare const Bun: { serve(options: { port: number; hostname: string; fetch: (request: Request) => Response | Promise<Response> }): { port: number } };

const app = createCaseApp(() => memoryStorage());
mountTus(app);
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch });
console.log(`listening on ${server.port}`);

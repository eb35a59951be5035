import { fileURLToPath } from 'node:url';
import { runDemoSmokeTests } from '@sluice/demo-common/testing';
import { startServer } from '../src/app.js';

runDemoSmokeTests('Fastify', startServer, fileURLToPath(new URL('..', import.meta.url)));

import { fileURLToPath } from 'node:url';
import { runDemoSmokeTests } from '@sluice/demo-common/testing';
import { startServer } from '../src/app.js';

runDemoSmokeTests('Koa', startServer, fileURLToPath(new URL('..', import.meta.url)));

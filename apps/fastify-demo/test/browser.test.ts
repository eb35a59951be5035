import { runBrowserTest } from '@sluice/demo-common/testing';
import { startServer } from '../src/app.js';

runBrowserTest('fastify-demo', 'Fastify', startServer);

import { runTusBrowserTest } from '@sluice/demo-common/testing';
import { startServer } from '../src/app.js';

runTusBrowserTest('fastify-demo', 'Fastify', startServer);

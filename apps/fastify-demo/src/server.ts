import { runDemo } from '@sluice/demo-common';
import { startServer } from './app.js';

await runDemo('Fastify', startServer);

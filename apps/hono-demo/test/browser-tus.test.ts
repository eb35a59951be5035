import { runTusBrowserTest } from '@sluice/demo-common/testing';
import { startServer } from '../src/app.js';

runTusBrowserTest('hono-demo', 'Hono', startServer);

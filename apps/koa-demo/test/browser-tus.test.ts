import { runTusBrowserTest } from '@sluice/demo-common/testing';
import { startServer } from '../src/app.js';

runTusBrowserTest('koa-demo', 'Koa', startServer);

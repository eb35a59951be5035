import { runTusSmokeTests } from '@sluice/demo-common/testing';
import { startServer } from '../src/app.js';

runTusSmokeTests('Fastify', startServer);

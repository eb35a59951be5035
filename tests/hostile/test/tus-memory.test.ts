import { TUS_ROWS } from '../src/tus-rows.js';
import { runTusRows } from '../src/tus-run.js';
import { memoryTusFactory } from '../src/tus-stores.js';

runTusRows('memory', memoryTusFactory, TUS_ROWS);

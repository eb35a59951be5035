import { TUS_ROWS } from '../src/tus-rows.js';
import { TUS_DISK_REFUSAL_ROWS } from '../src/tus-rows-refusals.js';
import { runTusRows } from '../src/tus-run.js';
import { diskTusFactory } from '../src/tus-stores.js';

runTusRows('disk', diskTusFactory, [...TUS_ROWS, ...TUS_DISK_REFUSAL_ROWS]);

import { runHostileCases } from '../src/run-cases.js';
import { diskFactory } from '../src/storages.js';

runHostileCases('disk', diskFactory);

import { runHostileCases } from '../src/run-cases.js';
import { memoryFactory } from '../src/storages.js';

runHostileCases('memory', memoryFactory);

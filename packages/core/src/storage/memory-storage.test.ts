import { runStorageConformance } from '../testing/storage-conformance.js';
import { memoryStorage } from './memory-storage.js';

runStorageConformance('memory', async () => {
  const driver = memoryStorage();
  return { driver, leftovers: async () => driver.keys() };
});

import type { SafeRecord } from './types.js';

/**
 * A plain object without a prototype, so that keys such as `__proto__`,
 * `constructor` or `toString` are ordinary data and cannot reach
 * `Object.prototype`.
 */
export function createSafeRecord<T>(): SafeRecord<T> {
  return Object.create(null) as SafeRecord<T>;
}

/** Appends `value` under `name`, keeping every value of a repeated name. */
export function appendToList<T>(record: SafeRecord<T[]>, name: string, value: T): void {
  const list = record[name];
  if (list) list.push(value);
  else record[name] = [value];
}

/**
 * Adds a text field: the first value is stored as a string, a repeated name
 * turns into an array (the shape Express and multer users expect).
 */
export function appendField(record: SafeRecord<string | string[]>, name: string, value: string): void {
  const existing = record[name];
  if (existing === undefined) record[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else record[name] = [existing, value];
}

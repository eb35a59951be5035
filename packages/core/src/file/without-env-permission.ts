/**
 * Deno refuses to read the environment without `--allow-env`, and throws
 * `NotCapable` where Node would answer. file-type's ZIP detection loads
 * `debug`, whose Node build enumerates `process.env` when it loads (to read
 * `DEBUG` and `DEBUG_*`), so on Deno without that permission loading file
 * type detection, and with it every upload, would fail.
 *
 * While such a module loads, `process.env` is a view that reads through to the
 * real environment and answers "not set" wherever Deno refuses: exactly what
 * the module would see if those variables were absent, and a refused write
 * (debug deletes `DEBUG` when it is unset) is dropped. Variables the user did
 * grant (`--allow-env=NAME`) still read and write through. On Node, Bun and workerd, and
 * on Deno with the permission, nothing is changed.
 */

type Environment = Record<string, string | undefined>;
interface DenoPermissions {
  permissions?: { querySync?(descriptor: { name: 'env' }): { state: string } };
}

let depth = 0;
let realEnvironment: Environment | undefined;

/** True on Deno when reading the whole environment would throw. */
function environmentRefused(): boolean {
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
  if (!deno?.permissions?.querySync) return false;
  try {
    return deno.permissions.querySync({ name: 'env' }).state !== 'granted';
  } catch {
    return true;
  }
}

function attempt<T>(read: () => T, refused: T): T {
  try {
    return read();
  } catch {
    return refused;
  }
}

/** A view of `real` where every refused read answers as if the variable were unset. */
function permissiveView(real: Environment): Environment {
  return new Proxy({} as Environment, {
    get: (_, key) => attempt(() => Reflect.get(real, key), undefined),
    has: (_, key) => attempt(() => Reflect.has(real, key), false),
    ownKeys: () => attempt(() => Reflect.ownKeys(real), []),
    getOwnPropertyDescriptor: (_, key) => {
      const value = attempt(() => Reflect.get(real, key), undefined);
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
    // A refused write is dropped: the variable then reads as unset, as it did before.
    set: (_, key, value) => attempt(() => Reflect.set(real, key, value), true),
    deleteProperty: (_, key) => attempt(() => Reflect.deleteProperty(real, key), true),
  });
}

/**
 * Runs `load` (a dynamic import of a module that reads the environment when
 * it loads) so that it does not fail on Deno without env permission. Calls may
 * overlap: the view stays in place until the last one has settled.
 */
export async function importWithoutEnvPermission<T>(load: () => Promise<T>): Promise<T> {
  const host = (globalThis as { process?: { env: Environment } }).process;
  if (!host || (depth === 0 && !environmentRefused())) return load();
  if (depth++ === 0) {
    realEnvironment = host.env;
    host.env = permissiveView(realEnvironment);
  }
  try {
    return await load();
  } finally {
    if (--depth === 0 && realEnvironment) {
      host.env = realEnvironment;
      realEnvironment = undefined;
    }
  }
}

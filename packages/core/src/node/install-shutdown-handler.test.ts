import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installShutdownHandler, type ShutdownProcess } from './install-shutdown-handler.js';

function fakeProcess(): ShutdownProcess & { emitter: EventEmitter; exits: number[]; signal(name: NodeJS.Signals): void } {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    emitter,
    exits,
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    exit: (code) => void exits.push(code),
    signal: (name) => void emitter.emit(name, name),
  };
}

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('installShutdownHandler', () => {
  it('on SIGTERM shuts every handler down, waits for all of them, then exits 0', async () => {
    const proc = fakeProcess();
    const done: string[] = [];
    const slow = { shutdown: () => tick(30).then(() => void done.push('slow')) };
    const fast = { shutdown: () => void done.push('fast') };
    installShutdownHandler([slow, fast], { process: proc });
    proc.signal('SIGTERM');
    await tick();
    expect(proc.exits).toEqual([]);
    await tick(50);
    expect(done).toEqual(['fast', 'slow']);
    expect(proc.exits).toEqual([0]);
  });

  it('exits 1 when a handler fails or the timeout passes, and at once (130) on a second SIGINT', async () => {
    const failing = fakeProcess();
    installShutdownHandler({ shutdown: () => Promise.reject(new Error('x')) }, { process: failing });
    failing.signal('SIGINT');
    await tick();
    expect(failing.exits).toEqual([1]);

    const hung = fakeProcess();
    installShutdownHandler({ shutdown: () => new Promise(() => {}) }, { process: hung, timeoutMs: 20 });
    hung.signal('SIGTERM');
    hung.signal('SIGINT');
    expect(hung.exits).toEqual([130]);
    await tick(40);
    expect(hung.exits).toEqual([130, 1]);
  });

  it('with exit: false only shuts down; uninstall removes the listeners', async () => {
    const proc = fakeProcess();
    let calls = 0;
    const handle = installShutdownHandler({ shutdown: () => void (calls += 1) }, { process: proc, exit: false, signals: ['SIGTERM'] });
    expect(proc.emitter.listenerCount('SIGTERM')).toBe(1);
    await handle.shutdown();
    await handle.shutdown();
    expect(calls).toBe(1);
    expect(proc.exits).toEqual([]);
    handle.uninstall();
    expect(proc.emitter.listenerCount('SIGTERM')).toBe(0);
  });
});

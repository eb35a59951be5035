import { fork, type ChildProcess } from 'node:child_process';

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * A benchmark child process (a parse worker or a server) spoken to over IPC:
 * one request at a time, each answered by id. Children are started with the
 * same TypeScript loader as this process (tsx puts it in `execArgv`).
 */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited = false;
  readonly stderr: string[] = [];

  private constructor(
    readonly process: ChildProcess,
    readonly name: string,
  ) {
    process.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString());
      if (this.stderr.length > 50) this.stderr.shift();
    });
    process.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`${name} exited (${code ?? signal}) while a request was pending: ${this.stderr.join('').slice(-2000)}`));
      }
      this.pending.clear();
    });
  }

  /** Starts `modulePath` with `args`; `extraExecArgv` adds Node flags (e.g. `--cpu-prof`). */
  static start(name: string, modulePath: string, args: string[] = [], extraExecArgv: string[] = [], env: Record<string, string> = {}): Child {
    const child = fork(modulePath, args, {
      execArgv: [...process.execArgv, ...extraExecArgv],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    return new Child(child, name);
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** Sends one request and waits for its answer. */
  request<T>(message: Record<string, unknown>, timeoutMs = 600_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${String(message.type)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ ...message, id });
    });
  }

  /** Asks the child to exit, and kills it if it does not within a second. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.send({ id: 0, type: 'exit' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 1000);
    await gone;
    clearTimeout(timer);
  }
}

/**
 * The child side: answers each request with `handle`'s result (or its error).
 * A request `{ type: 'exit' }` ends the process.
 */
export function serveRequests(handle: (message: Record<string, unknown> & { type: string }) => Promise<unknown>): void {
  // The benchmark process went away (Ctrl-C, crash): do not outlive it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Record<string, unknown> & { id: number; type: string }) => {
    if (message.type === 'exit') {
      process.disconnect?.();
      process.exit(0);
    }
    handle(message).then(
      (result) => process.send!({ id: message.id, result }),
      (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}

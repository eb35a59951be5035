import { silentLogger, type Logger } from '../logging/logger.js';

// POSIX numbers of the signals a shutdown handler is installed for (exit code 128 + n),
// written out so that importing @sluice/core needs no node:os (absent on some runtimes).
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };

/** Anything with a graceful `shutdown()`: an upload handler, or your own wrapper around `server.close()`. */
export interface Shutdownable {
  shutdown(): Promise<void> | void;
}

/** The bits of `process` the helper uses (injectable for tests). */
export interface ShutdownProcess {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/** Options of {@link installShutdownHandler}. */
export interface ShutdownOptions {
  /** Signals that start the shutdown. Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
  /** Exit the process once every handler is done. Default true. */
  exit?: boolean;
  /**
   * Exit (code 1) even if the handlers are not done after this long. Keep it
   * below your platform's grace period (Kubernetes: 30 s). Default 25 000 ms.
   */
  timeoutMs?: number;
  logger?: Logger;
  /** For tests. Default the real `process`. */
  process?: ShutdownProcess;
}

/** What {@link installShutdownHandler} returns. */
export interface ShutdownHandle {
  /** Runs the shutdown now, as if a signal had arrived; resolves once every handler is done. */
  shutdown(signal?: NodeJS.Signals): Promise<void>;
  /** Removes the signal listeners (the shutdown itself cannot be undone). */
  uninstall(): void;
}

/**
 * On SIGTERM or SIGINT, calls every handler's `shutdown()` (an upload
 * handler's fails its in-flight uploads with SHUTTING_DOWN, aborts their
 * storage writes, e.g. S3 multipart uploads, and waits until that is done),
 * then exits. Exiting without this leaves half-written multipart uploads on S3.
 * A second signal while shutting down exits at once.
 *
 * @example
 * const upload = createUploadHandler({ storage: s3Storage({ bucket }) });
 * installShutdownHandler([upload, { shutdown: () => new Promise((done) => server.close(() => done())) }]);
 */
export function installShutdownHandler(handlers: Shutdownable | readonly Shutdownable[], options: ShutdownOptions = {}): ShutdownHandle {
  const list = Array.isArray(handlers) ? [...(handlers as readonly Shutdownable[])] : [handlers as Shutdownable];
  const { signals = ['SIGTERM', 'SIGINT'], exit = true, timeoutMs = 25_000, logger = silentLogger } = options;
  const proc: ShutdownProcess = options.process ?? process;
  let running: Promise<void> | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (running) {
      // Impatient operator (a second Ctrl-C): do not wait any longer.
      logger.warn('sluice: second signal during shutdown, exiting now', { signal });
      if (exit) proc.exit(128 + (SIGNAL_NUMBERS[signal] ?? 15));
      return;
    }
    void shutdown(signal);
  };

  const shutdown = (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    running ??= (async () => {
      logger.info('sluice: shutting down', { signal, handlers: list.length });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const settled = Promise.allSettled(list.map(async (handler) => handler.shutdown()));
      const outcome = await Promise.race([settled, timedOut]);
      clearTimeout(timer);
      let code = 0;
      if (outcome === 'timeout') {
        logger.error('sluice: shutdown timed out; exiting with uploads possibly still pending', { timeoutMs });
        code = 1;
      } else {
        for (const result of outcome) {
          if (result.status === 'rejected') {
            logger.error('sluice: a handler failed to shut down', { error: String(result.reason) });
            code = 1;
          }
        }
      }
      if (exit) proc.exit(code);
    })();
    return running;
  };

  // Stays subscribed after the first signal, so a second one reaches us instead of killing the process uncleanly.
  for (const name of signals) proc.on(name, onSignal);
  return {
    shutdown,
    uninstall() {
      for (const name of signals) proc.off(name, onSignal);
    },
  };
}

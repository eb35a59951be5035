/** Severity levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One of {@link LOG_LEVELS}, or `silent`. */
export type LogLevel = (typeof LOG_LEVELS)[number] | 'silent';

/** The logger Sluice writes to. pino, winston and `console` all fit. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** The default: says nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * A logger that writes JSON lines at or above `level` to `sink` (stderr by
 * default).
 */
export function createConsoleLogger(level: LogLevel = 'info', sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const threshold = level === 'silent' ? LOG_LEVELS.length : LOG_LEVELS.indexOf(level);
  const at =
    (name: (typeof LOG_LEVELS)[number]) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (LOG_LEVELS.indexOf(name) < threshold) return;
      sink(JSON.stringify({ level: name, time: new Date().toISOString(), msg: message, ...fields }));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

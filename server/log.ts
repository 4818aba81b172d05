import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Config } from './config.js';

/**
 * The server's logger: one JSON object per line on stdout (pino), `{ level, time, msg, ...fields }`.
 * Call sites say what happened first and add fields second; an `err` field is serialised with its type,
 * message and stack (pino's standard serializer).
 */
export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
  /** The pino logger underneath, for pino-http (which gives each request a child carrying its id). */
  readonly pino: PinoLogger;
}

/** Wraps a pino logger in the `(msg, fields)` shape the code calls; pino's own order is `(fields, msg)`. */
export function wrapPino(p: PinoLogger): Logger {
  return {
    info: (msg, extra) => (extra ? p.info(extra, msg) : p.info(msg)),
    error: (msg, extra) => (extra ? p.error(extra, msg) : p.error(msg)),
    pino: p,
  };
}

/** `destination` defaults to stdout, written synchronously so the last lines before an exit are not lost. */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options = { level, base: { name: 'meshboard' } };
  return wrapPino(destination ? pino(options, destination) : pino(options));
}

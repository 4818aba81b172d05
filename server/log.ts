import type { Config } from './config.js';

/** A minimal leveled logger; one line per event, to stderr for errors. */
export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

export function createLogger(level: Config['logLevel']): Logger {
  const fmt = (msg: string, extra?: Record<string, unknown>) =>
    `${new Date().toISOString()} ${msg}${extra ? ' ' + JSON.stringify(extra, (_k, v) => (v instanceof Error ? v.message : v)) : ''}`;
  return {
    info: (msg, extra) => void (level === 'info' && console.log(fmt(msg, extra))),
    error: (msg, extra) => void (level !== 'silent' && console.error(fmt(msg, extra))),
  };
}

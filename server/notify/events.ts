/**
 * The series' events, in one place: the triggers (triggers.ts) emit them once each thing happened and was
 * stored; mail and webhooks listen. A listener's failure is logged and never reaches the emitter, which is
 * usually a meeting in progress.
 */
import type { SeriesEvent } from '../../shared/reach.js';
import type { Logger } from '../log.js';

export type SeriesEventListener = (event: SeriesEvent) => Promise<void> | void;

export class SeriesEvents {
  readonly #listeners: SeriesEventListener[] = [];
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  on(fn: SeriesEventListener): void {
    this.#listeners.push(fn);
  }

  emit(event: SeriesEvent): void {
    for (const fn of this.#listeners) {
      const run = Promise.resolve()
        .then(() => fn(event))
        .catch((err) => this.log.error('a series event listener failed', { type: event.type, key: event.key, err }))
        .finally(() => this.#pending.delete(run));
      this.#pending.add(run);
    }
  }

  /** Resolves when every listener called so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }
}

/**
 * The server-wide clock with several instances: the holder of the `clock` lease runs the clock-driven work
 * (series openings and forgotten meetings, reminders, digests, overdue events) and sends the outbox. The
 * others store messages and tell the holder through Redis, so it sends them at once instead of at its next look.
 *
 * When the holder dies, the next instance to take the lease starts sending: a message the dead one was sending
 * goes again under the same id (as after a restart, see outbox.ts).
 */
import type { Redis } from 'ioredis';
import type { Outbox } from '../outbox/outbox.js';
import type { Leases } from './leases.js';

export const CLOCK_LEASE = 'clock';

export class ClockLease {
  readonly #channel: string;

  constructor(private readonly deps: { leases: Leases; pub: Redis; sub: Redis; prefix: string; outbox: Outbox }) {
    this.#channel = `${deps.prefix}outbox`;
    deps.sub.on('message', (channel: string) => {
      if (channel === this.#channel && this.holds()) deps.outbox.poke();
    });
  }

  holds(): boolean {
    return this.deps.leases.holds(CLOCK_LEASE);
  }

  /** A message was stored here: the holder looks at the outbox now. */
  added(): void {
    if (this.holds()) return; // the outbox woke itself
    void this.deps.pub.publish(this.#channel, '1').catch(() => {});
  }

  /** Wants the lease from now on; the outbox sends while this instance holds it. */
  async start(): Promise<void> {
    const { leases, outbox, sub } = this.deps;
    leases.onChange((name, held) => {
      if (name !== CLOCK_LEASE) return;
      if (held) outbox.start();
      else outbox.pause();
    });
    await sub.subscribe(this.#channel);
    leases.want(CLOCK_LEASE);
  }
}

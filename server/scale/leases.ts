/**
 * Leases in Redis: which instance does a piece of once-only work. A board's lease makes its holder the board's
 * owner (action items, compaction, versions, announcements: see `Ownership`); the `clock` lease makes its
 * holder run the server-wide clock (series openings, reminders, the outbox's sending).
 *
 * Each instance renews what it holds and tries for what it wants every third of the lease's time. A holder that
 * dies loses its leases when they expire, and an instance that still wants them takes them over. A holder that
 * cannot reach Redis gives its leases up locally when they would have expired, so two instances never both
 * believe they hold one (as long as their clocks run at the same rate, which is all a lease assumes).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

/** Renews the lease when this instance holds it, takes it when nobody does; 1 when held after the call. */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
/** Gives the lease up only when this instance holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface Wanted {
  held: boolean;
  /** Until when a held lease is certainly ours (local clock), from the start of the claim that renewed it. */
  until: number;
}

export type LeaseListener = (name: string, held: boolean) => void;

export class Leases {
  readonly #wanted = new Map<string, Wanted>();
  readonly #listeners: LeaseListener[] = [];
  readonly #timer: NodeJS.Timeout;
  #round: Promise<void> | null = null;
  #closed = false;
  #failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { prefix: string; instanceId: string; ttlMs: number; log: Logger },
  ) {
    this.#timer = setInterval(() => void this.#claimAll(), Math.max(50, Math.floor(opts.ttlMs / 3)));
    this.#timer.unref();
  }

  onChange(fn: LeaseListener): void {
    this.#listeners.push(fn);
  }

  /** Whether this instance holds `name` now. */
  holds(name: string): boolean {
    const w = this.#wanted.get(name);
    return !!w && w.held && Date.now() < w.until;
  }

  /** Starts wanting `name`: tries at once, then with every round until it is held. */
  want(name: string): void {
    if (this.#closed || this.#wanted.has(name)) return;
    this.#wanted.set(name, { held: false, until: 0 });
    void this.#claim([name]);
  }

  /** Stops wanting `name`, releasing it when held (another instance that wants it takes it in its next round). */
  async drop(name: string): Promise<void> {
    const w = this.#wanted.get(name);
    if (!w) return;
    this.#wanted.delete(name);
    if (w.held) {
      this.#set(name, w, false);
      await this.redis.eval(RELEASE, 1, this.#key(name), this.opts.instanceId).catch(() => {});
    }
  }

  /** Releases everything held (a clean stop: the others take over at once instead of after the lease time). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#round;
    await Promise.all([...this.#wanted.keys()].map((name) => this.drop(name)));
  }

  #key(name: string): string {
    return `${this.opts.prefix}lease:${name}`;
  }

  #claimAll(): Promise<void> {
    // Past its time, a lease we could not renew is given up here, whatever Redis says later.
    const now = Date.now();
    for (const [name, w] of this.#wanted) if (w.held && now >= w.until) this.#set(name, w, false);
    if (this.#round) return this.#round;
    this.#round = this.#claim([...this.#wanted.keys()]).finally(() => (this.#round = null));
    return this.#round;
  }

  async #claim(names: string[]): Promise<void> {
    if (!names.length || this.#closed) return;
    const started = Date.now();
    const pipe = this.redis.pipeline();
    for (const name of names) pipe.eval(CLAIM, 1, this.#key(name), this.opts.instanceId, String(this.opts.ttlMs));
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await pipe.exec();
    } catch (err) {
      results = null;
      if (!this.#failing) this.opts.log.error('leases: could not reach Redis; leases held here lapse when their time is up', { err });
      this.#failing = true;
    }
    if (!results) return;
    if (this.#failing) this.opts.log.info('leases: Redis answers again');
    this.#failing = false;
    names.forEach((name, i) => {
      const w = this.#wanted.get(name);
      if (!w) return; // dropped meanwhile
      const [err, value] = results[i];
      if (err) return;
      if (value === 1) {
        w.until = started + this.opts.ttlMs;
        if (!w.held) this.#set(name, w, true);
      } else if (w.held) this.#set(name, w, false);
    });
  }

  #set(name: string, w: Wanted, held: boolean): void {
    w.held = held;
    if (!held) w.until = 0;
    for (const fn of this.#listeners) {
      try {
        fn(name, held);
      } catch (err) {
        this.opts.log.error('leases: a listener failed', { name, err });
      }
    }
  }
}

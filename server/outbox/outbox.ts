/**
 * The outbox: a message (a mail, a webhook call) is stored — on disk — before anything tries to send it,
 * then a worker sends it, retrying with back-off. Nothing that asks for a message waits for a mail or chat
 * server: `add` returns once the row is durable. A restart picks up whatever is pending, so a message stored
 * and not yet sent is sent after it, once; one cut off mid-send is sent again with the same id (the mail's
 * Message-ID, the webhook's `webhook-id`), which receivers use to drop the repeat.
 */
import { randomId } from '../../shared/ids.js';
import type { Logger } from '../log.js';
import { FORGOTTEN, type NewOutboxRecord, type OutboxChannel, type OutboxRecord, type OutboxStore } from '../store/outbox-store.js';

/** The outcome of one attempt. `permanent`: asking again will not help (a mailbox that does not exist, a 4xx). */
export type DeliveryResult = { ok: true; response: string } | { ok: false; error: string; permanent?: boolean };

/** Sends one stored message over one channel (SMTP, HTTP). Must settle: a slow server times out. */
export interface Deliverer {
  deliver(message: OutboxRecord): Promise<DeliveryResult>;
}

export interface OutboxOptions {
  /** Delay before each retry, ms; its length is how many retries there are before a message is given up. */
  retryDelaysMs: readonly number[];
  /** Messages of one channel being sent at once. */
  concurrency?: number;
  /** Sent, failed and cancelled messages older than this are deleted, ms (the log keeps addresses). */
  keepMs?: number;
  now?: () => number;
  /** Told of each attempt's outcome (metrics). */
  onAttempt?: (channel: OutboxChannel, outcome: 'sent' | 'retry' | 'failed') => void;
  /** A message was stored (with several instances, the one that sends is told: see `poke`). */
  onAdded?: () => void;
}

export type NewMessage = Omit<NewOutboxRecord, 'id' | 'createdAt' | 'nextAttemptAt'> & {
  /** Not before this time (a request settles before its mail goes); now when absent. */
  notBefore?: number;
};

/** The longest the worker sleeps without looking at the table (it is woken on every new message). */
const MAX_SLEEP_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;

export class Outbox {
  readonly #inFlight = new Set<string>();
  readonly #busy = new Map<OutboxChannel, number>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;
  #started = false;
  #lastPrune = 0;
  readonly #sends = new Set<Promise<void>>();
  readonly #idleWaiters: (() => void)[] = [];
  readonly #now: () => number;

  constructor(
    private readonly store: OutboxStore,
    private readonly deliverers: Partial<Record<OutboxChannel, Deliverer>>,
    /** Resolves once everything written so far is on disk. */
    private readonly durable: () => Promise<void>,
    private readonly log: Logger,
    private readonly opts: OutboxOptions,
  ) {
    this.#now = opts.now ?? Date.now;
  }

  /** Whether messages of a channel can be sent at all (mail needs SMTP_URL). */
  handles(channel: OutboxChannel): boolean {
    return this.deliverers[channel] !== undefined;
  }

  /**
   * Stores a message under its idempotency key and wakes the worker; resolves once it is on disk.
   * `created` is false when the key was there already: nothing is stored or sent twice.
   */
  async add(message: NewMessage): Promise<{ id: string; created: boolean }> {
    const now = this.#now();
    const { notBefore, ...rest } = message;
    const id = `msg_${randomId(20)}`;
    const created = await this.store.add({ ...rest, id, createdAt: now, nextAttemptAt: Math.max(now, notBefore ?? now) });
    await this.durable();
    if (created) {
      this.#wake();
      this.opts.onAdded?.();
    }
    return { id: created ? id : ((await this.store.byKey(message.key))?.id ?? id), created };
  }

  /**
   * Stores a message, or replaces it while it is still waiting (a request edited while it settles); does nothing
   * once it has been tried. Resolves once on disk.
   */
  async upsert(message: NewMessage): Promise<void> {
    const now = this.#now();
    const replaced = await this.store.replacePending(message.key, {
      subject: message.subject,
      payload: message.payload,
      nextAttemptAt: Math.max(now, message.notBefore ?? now),
    });
    if (replaced) {
      await this.durable();
      this.#wake();
      return;
    }
    await this.add(message);
  }

  /** Cancels a message still waiting (its reason went away); false when it was tried already or is unknown. */
  async cancel(key: string): Promise<boolean> {
    return this.store.cancelPending(key);
  }

  /** Sends a failed (or sent) message again, now. */
  async resend(id: string): Promise<OutboxRecord | null> {
    const rec = await this.store.get(id);
    if (!rec || rec.recipient === FORGOTTEN || rec.status === 'cancelled') return null;
    if (!(await this.store.resend(id, this.#now()))) return null;
    await this.durable();
    this.#wake();
    return this.store.get(id);
  }

  /** Cancels what is pending to an address and blanks it in the log (someone removed their address). */
  forgetRecipient(recipient: string): Promise<number> {
    return this.store.forgetRecipient(recipient);
  }

  /** A series' messages to one recipient, newest first. */
  listTo(seriesId: string, recipient: string, limit: number): Promise<OutboxRecord[]> {
    return this.store.listTo(seriesId, recipient, limit);
  }

  /** Cancels what waits for a recipient that is gone (a removed webhook endpoint). */
  cancelPendingTo(recipient: string): Promise<number> {
    return this.store.cancelPendingTo(recipient);
  }

  /** Messages waiting, by channel. */
  pendingByChannel(): Promise<Record<string, number>> {
    return this.store.pendingByChannel();
  }

  list(seriesId: string, limit = 200): Promise<OutboxRecord[]> {
    return this.store.list(seriesId, limit);
  }

  get(id: string): Promise<OutboxRecord | null> {
    return this.store.get(id);
  }

  /** Begins sending: whatever a previous run left pending goes first. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#wake();
  }

  /**
   * Stops taking new work, for now: another instance sends (it holds the clock's lease). Sends under way finish;
   * `start` begins again.
   */
  pause(): void {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Looks at the table now: a message was stored by another instance. */
  poke(): void {
    this.#wake();
  }

  /** Resolves when nothing is being sent and nothing is due now (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#running) await this.#running;
      await Promise.all([...this.#sends]);
      if (this.#running || this.#sends.size > 0) continue;
      const next = await this.store.nextDue(this.#channels);
      if (next === null || next > this.#now() || this.#closed || !this.#started) return;
      const woken = new Promise<void>((r) => this.#idleWaiters.push(r));
      this.#wake();
      await woken;
    }
  }

  get #channels(): OutboxChannel[] {
    return (Object.keys(this.deliverers) as OutboxChannel[]).filter((c) => this.deliverers[c]);
  }

  /**
   * Stops taking new work and gives sends under way a moment to finish; what is pending stays for the next
   * start. A send still hanging then (a mail server that never answers) is not waited for: shutting down must
   * not wait on it, and its message, not marked sent, goes again after the restart under the same id.
   */
  async close(graceMs = 2_000): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#running) await this.#running;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([Promise.all([...this.#sends]), grace]);
    clearTimeout(timer);
    this.#notifyIdle();
  }

  #wake(): void {
    if (!this.#started || this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#running = this.#pass()
      .catch((err) => this.log.error('outbox: could not read the pending messages', { err }))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.#wake();
        } else void this.#sleep();
        this.#notifyIdle();
      });
  }

  /** Starts every due message a channel has room for. */
  async #pass(): Promise<void> {
    const now = this.#now();
    if (now - this.#lastPrune > PRUNE_EVERY_MS && this.opts.keepMs) {
      this.#lastPrune = now;
      const gone = await this.store.prune(now - this.opts.keepMs);
      if (gone) this.log.info('outbox: old messages deleted', { count: gone });
    }
    const limit = this.opts.concurrency ?? 4;
    for (const msg of await this.store.due(now, 100)) {
      if (this.#inFlight.has(msg.id)) continue;
      const deliverer = this.deliverers[msg.channel];
      if (!deliverer) continue; // mail stored while SMTP was configured waits until it is again
      const busy = this.#busy.get(msg.channel) ?? 0;
      if (busy >= limit) continue; // a send ending wakes the worker for the rest
      this.#busy.set(msg.channel, busy + 1);
      this.#inFlight.add(msg.id);
      const send = this.#send(deliverer, msg).finally(() => {
        this.#inFlight.delete(msg.id);
        this.#busy.set(msg.channel, (this.#busy.get(msg.channel) ?? 1) - 1);
        this.#sends.delete(send);
        this.#wake();
      });
      this.#sends.add(send);
    }
  }

  async #send(deliverer: Deliverer, msg: OutboxRecord): Promise<void> {
    let result: DeliveryResult;
    try {
      result = await deliverer.deliver(msg);
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    try {
      if (result.ok) {
        await this.store.markSent(msg.id, this.#now(), result.response);
        this.opts.onAttempt?.(msg.channel, 'sent');
        this.log.info('outbox: sent', { id: msg.id, channel: msg.channel, kind: msg.kind, attempt: msg.attempts + 1 });
        return;
      }
      const delays = this.opts.retryDelaysMs;
      const retry = !result.permanent && msg.attempts < delays.length;
      const next = retry ? this.#now() + delays[msg.attempts] : null;
      await this.store.markAttemptFailed(msg.id, result.error, next);
      this.opts.onAttempt?.(msg.channel, retry ? 'retry' : 'failed');
      this.log.error(retry ? 'outbox: attempt failed; will retry' : 'outbox: gave up', {
        id: msg.id,
        channel: msg.channel,
        kind: msg.kind,
        attempt: msg.attempts + 1,
        error: result.error,
      });
    } catch (err) {
      this.log.error('outbox: could not record an attempt', { id: msg.id, err });
    }
  }

  async #sleep(): Promise<void> {
    if (this.#closed || this.#running) return;
    let next: number | null;
    try {
      next = await this.store.nextDue(this.#channels);
    } catch {
      next = null;
    }
    if (this.#closed || this.#running) return;
    // A due message that is being sent wakes the worker when its send ends.
    if (next !== null && next <= this.#now() && this.#sends.size > 0) next = null;
    const wait = next === null ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(0, next - this.#now()));
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#wake();
    }, wait);
    this.#timer.unref();
  }

  #notifyIdle(): void {
    for (const r of this.#idleWaiters.splice(0)) r();
  }
}

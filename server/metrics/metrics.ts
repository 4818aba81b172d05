/**
 * What an operator's Prometheus scrapes from `/metrics` (prom-client, its own registry): connections, boards in
 * memory, updates appended and relayed with their latencies, store errors, the outbox, refusals by the rate
 * limits, and Node's own figures (event-loop delay, heap, GC). Rates are the counters' `rate()` in Prometheus.
 */
import client from 'prom-client';
import type { RegistryObserver } from '../sync/board-registry.js';

/** Live figures read at scrape time. */
export interface MetricSources {
  wsConnections(): number;
  socketConnections(): number;
  boardsLoaded(): number;
  /** Boards in memory whose once-only work this instance does (all of them when it runs alone). */
  boardsOwned(): number;
  /** Whether this instance runs the clock and sends the outbox (always, when it runs alone). */
  clockHeld(): boolean;
  /** Messages waiting in the outbox, by channel. */
  outboxPending(): Promise<Record<string, number>>;
}

/** Latencies from a fraction of a millisecond (a quiet server) to seconds (a struggling disk). */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics {
  readonly registry = new client.Registry();
  readonly observer: RegistryObserver;
  readonly #appended: client.Counter;
  readonly #storeErrors: client.Counter;
  readonly #relayed: client.Counter;
  readonly #appendSeconds: client.Histogram;
  readonly #relaySeconds: client.Histogram;
  readonly #outboxAttempts: client.Counter<'channel' | 'outcome'>;
  readonly #limitRefusals: client.Counter<'limit'>;
  #sources: MetricSources | null = null;

  constructor() {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'meshboard_process_', eventLoopMonitoringPrecision: 10 });
    this.#appended = new client.Counter({ name: 'meshboard_updates_appended_total', help: 'Board updates appended to the store', registers });
    this.#storeErrors = new client.Counter({ name: 'meshboard_store_errors_total', help: 'Appends the store refused (kept and retried)', registers });
    this.#relayed = new client.Counter({ name: 'meshboard_updates_relayed_total', help: 'Stored board updates handed to the relay', registers });
    this.#appendSeconds = new client.Histogram({
      name: 'meshboard_append_seconds',
      help: 'Time of one append transaction (a batch of updates)',
      buckets: BUCKETS,
      registers,
    });
    this.#relaySeconds = new client.Histogram({
      name: 'meshboard_relay_seconds',
      help: 'Time from an update reaching the server to its relay, after it is stored',
      buckets: BUCKETS,
      registers,
    });
    this.#outboxAttempts = new client.Counter({
      name: 'meshboard_outbox_attempts_total',
      help: 'Attempts to send a mail or webhook call, by outcome (sent, retry, failed)',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.#limitRefusals = new client.Counter({
      name: 'meshboard_limit_refusals_total',
      help: 'Requests a rate limit or quota refused (429), by limit',
      labelNames: ['limit'],
      registers,
    });
    const sources = () => this.#sources;
    const gauge = (name: string, help: string, read: (src: MetricSources) => number) =>
      new client.Gauge({
        name,
        help,
        registers,
        collect() {
          const src = sources();
          if (src) this.set(read(src));
        },
      });
    gauge('meshboard_ws_connections', 'Open board websockets (y-websocket)', (src) => src.wsConnections());
    gauge('meshboard_socketio_connections', 'Open socket.io connections (meeting channel, board events)', (src) => src.socketConnections());
    gauge('meshboard_boards_loaded', 'Boards in memory', (src) => src.boardsLoaded());
    gauge('meshboard_boards_owned', 'Boards in memory this instance owns (does their once-only work)', (src) => src.boardsOwned());
    gauge('meshboard_clock_held', '1 when this instance runs the clock and sends the outbox', (src) => (src.clockHeld() ? 1 : 0));
    new client.Gauge({
      name: 'meshboard_outbox_pending',
      help: 'Mails and webhook calls waiting to be sent, by channel',
      labelNames: ['channel'],
      registers,
      async collect() {
        const src = sources();
        if (!src) return;
        this.reset();
        for (const [channel, n] of Object.entries(await src.outboxPending())) this.set({ channel }, n);
      },
    });
    this.observer = {
      appended: (count, seconds) => {
        this.#appended.inc(count);
        this.#appendSeconds.observe(seconds);
      },
      appendFailed: () => this.#storeErrors.inc(),
      relayed: (seconds) => {
        this.#relayed.inc();
        this.#relaySeconds.observe(seconds);
      },
    };
  }

  /** Connects the live figures once the parts they come from exist. */
  attach(sources: MetricSources): void {
    this.#sources = sources;
  }

  outboxAttempt(channel: string, outcome: 'sent' | 'retry' | 'failed'): void {
    this.#outboxAttempts.inc({ channel, outcome });
  }

  limitRefused(limit: string): void {
    this.#limitRefusals.inc({ limit });
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/**
 * The connection to Redis (REDIS_URL) that lets several instances serve the same boards. Opening it checks,
 * with a bounded wait, that Redis answers, so a wrong URL stops the server at start with a clear message.
 * After that ioredis reconnects by itself, forever; an outage is logged once when it starts and once when it
 * ends, and never thrown: Redis going away must not take the server down.
 *
 * Every key and channel the server uses starts with `prefix` (REDIS_PREFIX), so one Redis serves several
 * deployments. Messages never carry the URL: its password stays out of errors and logs.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';

/** How long opening waits for Redis to answer PING, ms. */
const CONNECT_TIMEOUT_MS = 5_000;

const OPTIONS: RedisOptions = {
  // A command issued during an outage fails after a few reconnection attempts (a few seconds) instead of the
  // default twenty: callers (limits, relays) have a fallback and should reach it soon.
  maxRetriesPerRequest: 3,
  // A Redis that stops answering without closing the connection (a dropped network) must not hold requests.
  commandTimeout: 2_000,
  connectTimeout: CONNECT_TIMEOUT_MS,
};

export class RedisLink {
  /** The command client (keys, scripts, publishing). Do not put it in subscriber mode: `duplicate()` for that. */
  readonly client: Redis;
  /** Starts every key and channel name. */
  readonly prefix: string;
  /** `host:port` of the server, for messages (never the URL, which may hold a password). */
  readonly address: string;
  readonly #log: Logger;
  readonly #clients = new Set<Redis>();
  readonly #down = new Set<Redis>();
  #closing: Promise<void> | null = null;

  private constructor(client: Redis, prefix: string, address: string, log: Logger) {
    this.client = client;
    this.prefix = prefix;
    this.address = address;
    this.#log = log;
    this.#watch(client);
  }

  /** Connects and PINGs within `timeoutMs`; rejects with "cannot reach Redis at host:port: reason" otherwise. */
  static async connect(url: string, prefix: string, log: Logger, opts: { timeoutMs?: number } = {}): Promise<RedisLink> {
    const timeoutMs = opts.timeoutMs ?? CONNECT_TIMEOUT_MS;
    const address = addressOf(url);
    const client = new Redis(url, { ...OPTIONS, connectTimeout: timeoutMs, lazyConnect: true });
    // ioredis reports why it could not connect as an 'error' event; connect() itself only says "Connection is closed."
    let firstError: Error | null = null;
    const onError = (err: Error) => (firstError ??= err);
    client.on('error', onError);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect().then(() => client.ping()),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
      ]);
    } catch (err) {
      // onError stays: a late error from the dropped socket must not be an unhandled 'error' event.
      client.disconnect();
      const reason = (firstError ?? (err as Error)).message;
      throw new Error(`cannot reach Redis at ${address}: ${withoutPassword(reason, url)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    client.off('error', onError);
    return new RedisLink(client, prefix, address, log);
  }

  /**
   * A new connection with the same settings, watched like the first (a subscriber needs its own); resolves
   * once it is ready, so an instance is fully connected before it serves anyone.
   * `unawaited`: for a library that sends commands without handling their failure (the socket.io adapter
   * publishes and subscribes that way) — a command failing during an outage would otherwise be an unhandled
   * rejection, which ends the process. Callers that do await still see the failure.
   */
  async duplicate(opts: { unawaited?: boolean } = {}): Promise<Redis> {
    const dup = this.client.duplicate({ lazyConnect: false });
    if (opts.unawaited) {
      const send = dup.sendCommand.bind(dup);
      dup.sendCommand = (command, stream) => {
        command.promise.catch(() => {});
        return send(command, stream);
      };
    }
    this.#watch(dup);
    const timeoutMs = dup.options.connectTimeout ?? CONNECT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        dup.once('ready', resolve);
        timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${this.address}: no answer within ${timeoutMs} ms`)), timeoutMs);
      });
    } catch (err) {
      this.#clients.delete(dup);
      dup.disconnect();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return dup;
  }

  /** True while every connection of this link is ready (between outages). */
  get ready(): boolean {
    return [...this.#clients].every((c) => c.status === 'ready');
  }

  /** Closes every connection of this link; commands still queued fail. */
  close(): Promise<void> {
    return (this.#closing ??= Promise.all(
      [...this.#clients].map(async (c) => {
        if (c.status !== 'ready') return c.disconnect();
        await c.quit().catch(() => c.disconnect());
      }),
    ).then(() => {}));
  }

  /** Logs an outage once, however many connections and retries see it, and its end once all are back. */
  #watch(client: Redis): void {
    this.#clients.add(client);
    const lost = (reason: string) => {
      if (this.#closing || this.#down.has(client)) return;
      this.#down.add(client);
      if (this.#down.size === 1) this.#log.error('redis: connection lost; retrying in the background', { redis: this.address, reason });
    };
    client.on('error', (err: Error) => lost(err.message));
    client.on('close', () => lost('connection closed'));
    client.on('ready', () => {
      if (!this.#down.delete(client) || this.#down.size > 0) return;
      this.#log.info('redis: connection back', { redis: this.address });
    });
  }
}

/** `host:port` of a redis:// or rediss:// URL. */
function addressOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname || 'localhost'}:${u.port || '6379'}`;
}

function withoutPassword(text: string, url: string): string {
  const password = decodeURIComponent(new URL(url).password);
  return password ? text.split(password).join('***') : text;
}

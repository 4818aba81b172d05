/**
 * Where a board's webhook may post: public unicast addresses only, unless the operator allows a host
 * (`WEBHOOK_ALLOW_HOSTS`, for an internal chat server). Anyone can create a board and set its webhook, so
 * without this the server would POST, from inside the network, to its own loopback, the cloud metadata
 * service or any private host.
 *
 * The check that counts runs at send time, after DNS resolution, inside the connection's own `lookup`: the
 * socket connects only to addresses that were checked, so a name cannot resolve to a public address for the
 * check and to a private one for the connection (DNS rebinding). IP literals never reach `lookup` and are
 * checked directly (the WHATWG URL parser has already normalised `2130706433` or `0x7f.1` to `127.0.0.1`).
 */
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** A webhook address the server refuses to reach; not worth retrying. */
export class WebhookRefusedError extends Error {
  override readonly name = 'WebhookRefusedError';
}

export type TargetCheck = { ok: true } | { ok: false; message: string };

/** Resolves a host name to all its addresses (`dns.lookup` with `all: true`). */
export type ResolveAll = (hostname: string, options: { family?: number; hints?: number }) => Promise<dns.LookupAddress[]>;

const resolveAll: ResolveAll = (hostname, options) => dns.promises.lookup(hostname, { ...options, all: true, verbatim: true });

/** How long the check of `PUT …/webhook` waits for DNS before leaving the decision to send time, ms. */
const CHECK_RESOLVE_MS = 3_000;

const HOW_TO_ALLOW = 'set WEBHOOK_ALLOW_HOSTS on the server to allow an internal host';

export class WebhookTargets {
  readonly #hosts = new Set<string>();
  readonly #addresses = new Set<string>();

  /**
   * @param allowHosts host names or IP addresses that may be reached although they are not public
   *   (`webhookAllowHosts`): a name allows every address it resolves to, an address allows itself.
   */
  constructor(
    allowHosts: readonly string[],
    private readonly resolve: ResolveAll = resolveAll,
  ) {
    for (const entry of allowHosts) {
      const host = bare(entry);
      if (ipaddr.isValid(host)) this.#addresses.add(normalise(host));
      else if (host) this.#hosts.add(host);
    }
  }

  /** Why `address` (an IP) may not be reached, or null when it may. */
  refusal(address: string): string | null {
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    if (this.#addresses.has(normalise(address))) return null;
    const ip = ipaddr.process(address);
    const range = ip.range();
    if (range !== 'unicast') return `${address} is ${describe(range)}`;
    // IPv4-compatible IPv6 (::/96, deprecated) is "unicast" to ipaddr.js but may still reach IPv4 hosts.
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return `${address} is an IPv4-compatible address`;
    return null;
  }

  /**
   * The early check of `PUT /api/boards/:id/webhook`: refuses a URL that is not http(s), an IP literal that
   * is refused, or a name that resolves only to refused addresses. A name that does not resolve (yet) is
   * accepted: the check at send time decides.
   */
  async check(url: string): Promise<TargetCheck> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { ok: false, message: 'must be an http or https URL' };
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, message: 'must be an http or https URL' };
    const host = bare(u.hostname);
    if (this.#hosts.has(host)) return { ok: true };
    if (net.isIP(host)) {
      const why = this.refusal(host);
      return why ? { ok: false, message: `${why}, which the server does not post to; ${HOW_TO_ALLOW}` } : { ok: true };
    }
    let addresses: dns.LookupAddress[];
    try {
      addresses = await withTimeout(this.resolve(host, {}), CHECK_RESOLVE_MS);
    } catch {
      return { ok: true };
    }
    const refusals = addresses.map((a) => this.refusal(a.address));
    if (addresses.length && refusals.every((r) => r !== null)) {
      return { ok: false, message: `${host} resolves only to addresses the server does not post to (${refusals[0]}); ${HOW_TO_ALLOW}` };
    }
    return { ok: true };
  }

  /**
   * Connection options for one request to `url`, to pass to `http.request`/`https.request`: an IP literal is
   * checked here (throws `WebhookRefusedError`); a name gets a `lookup` that resolves it, keeps only the
   * addresses that may be reached and fails with `WebhookRefusedError` when none is left.
   */
  connectOptions(url: URL): { lookup?: net.LookupFunction } {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookRefusedError(`${url.protocol} URLs are not posted to`);
    const host = bare(url.hostname);
    if (this.#hosts.has(host)) return {};
    if (net.isIP(host)) {
      const why = this.refusal(host);
      if (why) throw new WebhookRefusedError(`${why}, which the server does not post to; ${HOW_TO_ALLOW}`);
      return {};
    }
    return { lookup: this.#lookup };
  }

  readonly #lookup = ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    this.resolve(hostname, { family: typeof options.family === 'number' ? options.family : undefined, hints: options.hints }).then(
      (addresses) => {
        const allowed = addresses.filter((a) => this.refusal(a.address) === null);
        if (!allowed.length) {
          const why = addresses.length ? this.refusal(addresses[0].address) : 'no address';
          return callback(new WebhookRefusedError(`${hostname} resolves only to addresses the server does not post to (${why}); ${HOW_TO_ALLOW}`));
        }
        // net asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one.
        if (options.all) callback(null, allowed);
        else callback(null, allowed[0].address, allowed[0].family);
      },
      (err: unknown) => callback(err),
    );
  }) as unknown as net.LookupFunction;
}

/** Lowercase, without IPv6 brackets or a trailing dot. */
function bare(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** One spelling per address: IPv4-mapped IPv6 as IPv4, IPv6 in its short form. */
function normalise(address: string): string {
  return ipaddr.process(address).toString();
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address (cloud metadata)',
  uniqueLocal: 'a unique-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  reserved: 'a reserved address',
};
const describe = (range: string) => RANGE_NAMES[range] ?? `a special-purpose address (${range})`;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

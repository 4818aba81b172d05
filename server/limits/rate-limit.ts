/**
 * A token bucket per client: `burst` commands at once, refilled at `perSecond`. A client that keeps
 * hammering after being refused (`strikes` refusals) is to be disconnected.
 */
export class RateLimiter {
  #tokens: number;
  #last: number;
  #refused = 0;

  constructor(
    private readonly opts: { burst: number; perSecond: number; strikes: number },
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = opts.burst;
    this.#last = now();
  }

  /** 'ok' to proceed, 'refuse' to answer rate_limited, 'disconnect' once the client has ignored enough refusals. */
  take(): 'ok' | 'refuse' | 'disconnect' {
    const t = this.now();
    this.#tokens = Math.min(this.opts.burst, this.#tokens + ((t - this.#last) / 1000) * this.opts.perSecond);
    this.#last = t;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#refused = Math.max(0, this.#refused - 1);
      return 'ok';
    }
    this.#refused++;
    return this.#refused >= this.opts.strikes ? 'disconnect' : 'refuse';
  }
}

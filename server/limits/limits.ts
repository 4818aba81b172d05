/**
 * Rate limits and quotas on what costs the server disk or memory (creating boards, saving versions,
 * sending summaries, saving templates), counted per client address or per board with rate-limiter-flexible.
 * Without Redis the counters live in this process's memory. With a Redis link (REDIS_URL) they live in Redis,
 * under `<prefix>limit:<name>:<key>`, so a limit holds across every instance; while Redis is away each instance
 * falls back to counting in its own memory by the same policy (the insurance limiter), so an outage loosens a
 * limit to per-instance rather than refusing everyone or failing requests.
 *
 * A refusal is `429 Too Many Requests` with `Retry-After` (seconds) and the API's error body.
 */
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode } from '../../shared/errors.js';
import { sendError } from '../http/errors.js';
import type { RedisLink } from '../scale/redis.js';

/** `points` uses per `durationSec` window. */
export interface LimitPolicy {
  points: number;
  durationSec: number;
}

export const LIMIT_NAMES = [
  'boardCreate',
  'versionSave',
  'summarySend',
  'templateSave',
  'dropinAddress',
  'dropinSeries',
  'emailAddress',
  'calendarRead',
  'webhookTest',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** What each limit counts, for the refusal's message. */
const WHAT: Record<LimitName, string> = {
  boardCreate: 'boards created from your address',
  versionSave: 'versions saved on this board',
  summarySend: 'summaries sent from this board',
  templateSave: 'templates saved from this board',
  dropinAddress: 'drop-in submissions from your address',
  dropinSeries: 'drop-in submissions to this series',
  emailAddress: 'addresses given from your address (each gets a confirmation mail)',
  calendarRead: 'calendar feed reads from your address',
  webhookTest: 'test events sent from this series',
};

export type LimitVerdict = { ok: true } | { ok: false; retryAfterSec: number; message: string };

export class Limits {
  readonly #limiters: Record<LimitName, RateLimiterAbstract>;

  readonly #onRefused: ((name: LimitName) => void) | undefined;

  /** `redis`: count in Redis, shared by every instance on it; `onRefused` hears every refusal (metrics). */
  constructor(
    readonly policies: Record<LimitName, LimitPolicy>,
    opts: { redis?: RedisLink | null; onRefused?: (name: LimitName) => void } = {},
  ) {
    const { redis } = opts;
    this.#onRefused = opts.onRefused;
    this.#limiters = Object.fromEntries(
      LIMIT_NAMES.map((name) => {
        const policy = { points: policies[name].points, duration: policies[name].durationSec };
        const memory = new RateLimiterMemory({ keyPrefix: name, ...policy });
        if (!redis) return [name, memory];
        // rejectIfRedisNotReady: while ioredis reconnects, go to the insurance at once instead of queueing.
        const shared = new RateLimiterRedis({
          storeClient: redis.client,
          keyPrefix: `${redis.prefix}limit:${name}`,
          ...policy,
          insuranceLimiter: memory,
          rejectIfRedisNotReady: true,
        });
        return [name, shared];
      }),
    ) as unknown as Record<LimitName, RateLimiterAbstract>;
  }

  /** Takes `points` from `key`'s allowance under `name`; refuses (taking nothing more) when it is used up. */
  async consume(name: LimitName, key: string, points = 1): Promise<LimitVerdict> {
    try {
      await this.#limiters[name].consume(key, points);
      return { ok: true };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retryAfterSec = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      const { points: n, durationSec } = this.policies[name];
      this.#onRefused?.(name);
      return { ok: false, retryAfterSec, message: `too many ${WHAT[name]} (at most ${n} per ${per(durationSec)}); try again in ${retryAfterSec} s` };
    }
  }

  /** Express guard: consumes one point of `name` for the key `keyOf(req, res)`; answers 429 when refused. */
  guard(name: LimitName, keyOf: (req: Request, res: Response) => string): RequestHandler {
    return async (req, res, next) => {
      const verdict = await this.consume(name, keyOf(req, res));
      if (verdict.ok) return next();
      refuse(res, verdict.retryAfterSec, verdict.message);
    };
  }
}

/** Answers 429 with `Retry-After` and the API's error body. */
export function refuse(res: Response, retryAfterSec: number, message: string): void {
  res.setHeader('Retry-After', String(retryAfterSec));
  sendError(res, 429, { code: ErrorCode.RateLimited, message });
}

/** The client's address as express sees it (behind a proxy, set TRUST_PROXY so this is the real client). */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

function per(sec: number): string {
  if (sec % 3600 === 0) return sec === 3600 ? 'hour' : `${sec / 3600} hours`;
  if (sec % 60 === 0) return sec === 60 ? 'minute' : `${sec / 60} minutes`;
  return `${sec} s`;
}

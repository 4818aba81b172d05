/**
 * Limits on socket.io's default namespace, in front of every event a client sends (`socket.use`, so no
 * handler can forget them): a token bucket per socket — past it the event is refused with `rate_limited`,
 * and a socket that keeps sending after being refused is disconnected — and at most one watch in flight
 * per socket, since a watch checks access and loads a board.
 */
import type { Server } from 'socket.io';
import { ErrorCode } from '../../shared/errors.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { RateLimiter } from '../limits/rate-limit.js';
import { apiError, fail } from './acks.js';

/** Events that check access and read a board: one of them at a time per socket. */
const WATCH_EVENTS: ReadonlySet<string> = new Set(['board:watch', 'actions:watch', 'series:watch'] satisfies Array<keyof ClientToServerEvents>);

export interface EventLimits {
  /** Events a socket may send at once. */
  burst: number;
  /** Events per second the bucket refills. */
  perSecond: number;
  /** Refusals after which the socket is disconnected. */
  strikes: number;
}

export function limitDefaultNamespace(io: Server<ClientToServerEvents, ServerToClientEvents>, limits: EventLimits): void {
  io.on('connection', (socket) => {
    const limiter = new RateLimiter(limits);
    let watchInFlight = false;
    let cut = false;
    socket.use((packet, next) => {
      // Packets already read when the socket was cut off are dropped unanswered: a flood arrives in chunks.
      if (cut) return;
      const last = packet[packet.length - 1];
      const ack = typeof last === 'function' ? (last as (res: Ack<unknown>) => void) : null;
      const verdict = limiter.take();
      if (verdict === 'disconnect') {
        cut = true;
        ack?.(fail(apiError(ErrorCode.RateLimited, { reason: 'cut_off' }, 'too many requests; disconnected')));
        // After the current turn, so the acks of events already accepted still reach the client.
        setImmediate(() => socket.disconnect(true));
        return;
      }
      if (verdict === 'refuse') return ack?.(fail(apiError(ErrorCode.RateLimited, { reason: 'slow_down' }, 'too many requests; slow down')));
      // Without an ack the handlers ignore the event; nothing to bound.
      if (!ack || !WATCH_EVENTS.has(String(packet[0]))) return next();
      if (watchInFlight)
        return ack(fail(apiError(ErrorCode.RateLimited, { reason: 'one_watch_at_a_time' }, 'one watch at a time: wait for the answer to the last one')));
      watchInFlight = true;
      packet[packet.length - 1] = (res: Ack<unknown>) => {
        watchInFlight = false;
        ack(res);
      };
      next();
    });
  });
}

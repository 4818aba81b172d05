/**
 * `need:answer` on the meeting channel (`/meeting`): the addressee of a request — or a facilitator — accepts,
 * declines, finishes or reopens it. Same shape as the meeting's commands: rate limit → validate → service →
 * ack; the answer reaches everyone as a change of the board (y-websocket), written by the server with an
 * origin naming who answered. Who that is comes from the socket's seat (its roster name) and its link's
 * role, both settled when the socket joined; the payload only says what the answer is.
 */
import type { Namespace, Socket } from 'socket.io';
import { ErrorCode } from '../../shared/errors.js';
import { NeedAnswerPayload, type NeedAnswerResult } from '../../shared/need-answers.js';
import type { Role } from '../../shared/roles.js';
import type { Ack } from '../../shared/socket-events.js';
import { RateLimiter } from '../limits/rate-limit.js';
import type { Logger } from '../log.js';
import type { RequestAnswers } from '../requests/request-answers.js';
import { apiError, fail } from './acks.js';

/** What the meeting namespace's middleware settled about a socket (see meeting-handlers.ts). */
interface SeatedSocketData {
  boardId: string;
  role: Role;
  name: string;
}

export interface NeedHandlerDeps {
  answers: Pick<RequestAnswers, 'answer'>;
  log: Logger;
  rateLimit: { burst: number; perSecond: number; strikes: number };
}

export function attachNeedHandlers(nsp: Namespace, deps: NeedHandlerDeps): void {
  nsp.on('connection', (socket: Socket) => {
    const limiter = new RateLimiter(deps.rateLimit);
    socket.on('need:answer', async (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') return;
      const reply = ack as (res: Ack<NeedAnswerResult>) => void;
      const verdict = limiter.take();
      if (verdict !== 'ok') {
        reply(fail(apiError(ErrorCode.RateLimited, { reason: verdict === 'refuse' ? 'slow_down' : 'cut_off' }, 'too many answers; slow down')));
        if (verdict === 'disconnect') setImmediate(() => socket.disconnect(true));
        return;
      }
      const parsed = NeedAnswerPayload.safeParse(args.length > 1 ? args[0] : undefined);
      if (!parsed.success) {
        return reply(
          fail(apiError(ErrorCode.BadRequest, { reason: 'invalid_payload' }, `need:answer: ${parsed.error.issues[0]?.message ?? 'invalid payload'}`)),
        );
      }
      const me = socket.data as SeatedSocketData;
      if (me.role === 'viewer') return reply(fail(apiError(ErrorCode.Forbidden, { reason: 'viewers_cannot' }, 'viewers cannot answer requests')));
      const { cardId, status, reason } = parsed.data;
      try {
        const result = await deps.answers.answer(me.boardId, cardId, { status, reason }, { name: me.name, role: me.role, via: 'meeting' });
        if (result.ok) {
          const { id, status: now, declineReason, answeredBy, answeredAt } = result.card;
          return reply({ ok: true, data: { id, status: now, declineReason, answeredBy, answeredAt } });
        }
        switch (result.reason) {
          case 'not_the_addressee':
            return reply(
              fail(
                apiError(
                  ErrorCode.Forbidden,
                  { reason: 'not_the_addressee', params: { addressee: result.addressee } },
                  `this request is addressed to ${result.addressee || 'nobody'}; only they or a facilitator answer it`,
                ),
              ),
            );
          case 'not_a_request':
            return reply(fail(apiError(ErrorCode.BadRequest, { reason: 'not_a_request' }, 'that card is not a request')));
          default:
            return reply(fail(apiError(ErrorCode.NotFound, { reason: 'card_not_found' }, 'that card is no longer on this board')));
        }
      } catch (err) {
        deps.log.error('need:answer failed', { board: me.boardId, err });
        reply(fail(apiError(ErrorCode.Internal, { reason: 'server_failed' }, 'the answer could not be stored')));
      }
    });
  });
}

/**
 * Action items over socket.io: `actions:watch` (validate → access → service → ack) and the
 * `actions:changed` broadcast to the board's room whenever the action service stores a change.
 */
import type { Server, Socket } from 'socket.io';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { joinBoardRoom } from './board-watch.js';
import { apiError, fail } from './acks.js';
import { boardRoom } from './rooms.js';
import { ErrorCode } from '../../shared/errors.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import type { AccessControl } from '../auth/access.js';
import type { Logger } from '../log.js';
import type { ActionService } from '../actions/action-service.js';

type IO = Server<ClientToServerEvents, ServerToClientEvents>;
type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export function attachActionEvents(io: IO, deps: { actions: ActionService; access: AccessControl; log: Logger }): void {
  const { actions, access, log } = deps;

  actions.onChanged((boardId, items) => io.to(boardRoom(boardId)).emit('actions:changed', { boardId, items }));

  io.on('connection', (socket: ClientSocket) => {
    socket.on('actions:watch', (raw, ack) => void watch(socket, raw, ack));
  });

  async function watch(socket: ClientSocket, raw: unknown, ack: (res: Ack<ActionItem[]>) => void): Promise<void> {
    if (typeof ack !== 'function') return;
    try {
      const joined = await joinBoardRoom(socket, raw, access);
      if ('error' in joined) return ack(joined.error);
      ack({ ok: true, data: await actions.list(joined.boardId) });
    } catch (err) {
      log.error('actions:watch failed', { err });
      ack(fail(apiError(ErrorCode.Internal, { reason: 'server_failed' }, 'could not watch the action items')));
    }
  }
}

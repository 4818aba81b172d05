/**
 * Action items over socket.io: `actions:watch` (validate → access → service → ack) and the
 * `actions:changed` broadcast to the board's room whenever the action service stores a change.
 */
import type { Server, Socket } from 'socket.io';
import { BoardWatchPayload, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/socket-events.js';
import { ErrorCode } from '../../shared/errors.js';
import type { ActionItem } from '../../shared/decisions.js';
import type { AccessControl } from '../auth/access.js';
import type { Logger } from '../log.js';
import type { ActionService } from './action-service.js';

type IO = Server<ClientToServerEvents, ServerToClientEvents>;
type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** The board's room; the same one `board:watch` joins (server/events/board-events.ts). */
export const boardRoom = (boardId: string): string => `board:${boardId}`;
/** Bound on rooms per socket, as for `board:watch`. */
const MAX_WATCHED = 20;

export function attachActionEvents(io: IO, deps: { actions: ActionService; access: AccessControl; log: Logger }): void {
  const { actions, access, log } = deps;

  actions.onChanged((boardId, items) => io.to(boardRoom(boardId)).emit('actions:changed', { boardId, items }));

  io.on('connection', (socket: ClientSocket) => {
    socket.on('actions:watch', (raw, ack) => void watch(socket, raw, ack));
  });

  async function watch(socket: ClientSocket, raw: unknown, ack: (res: Ack<ActionItem[]>) => void): Promise<void> {
    if (typeof ack !== 'function') return;
    const parsed = BoardWatchPayload.safeParse(raw);
    if (!parsed.success) return ack(fail(ErrorCode.BadRequest, 'expected { boardId, token }'));
    if (socket.rooms.size > MAX_WATCHED) return ack(fail(ErrorCode.BadRequest, `watch at most ${MAX_WATCHED} boards`));
    try {
      const { boardId, token } = parsed.data;
      const allowed = await access.check(boardId, token);
      if (!allowed.ok) return ack(fail(allowed.status === 404 ? ErrorCode.NotFound : ErrorCode.Forbidden, allowed.message));
      // Join first: a change stored between the read and the join would otherwise be missed.
      await socket.join(boardRoom(boardId));
      ack({ ok: true, data: await actions.list(boardId) });
    } catch (err) {
      log.error('actions:watch failed', { err });
      ack(fail(ErrorCode.Internal, 'could not watch the action items'));
    }
  }
}

function fail(code: ErrorCode, message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}

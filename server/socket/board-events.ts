/**
 * Board-level notifications over socket.io (default namespace): a client `board:watch`es a board and
 * hears `board:renamed`, `board:deleted` and `board:revoked` (its link was replaced; see board-watch.ts).
 * The meeting-control channel lives elsewhere.
 */
import type { Server, Socket } from 'socket.io';
import { readMeta } from '../../shared/board-schema.js';
import { BoardUnwatchPayload, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/socket-events.js';
import { joinBoardRoom, leaveBoardRoom } from './board-watch.js';
import { apiError, fail } from './acks.js';
import { boardRoom } from './rooms.js';
import { ErrorCode } from '../../shared/errors.js';
import type { BoardExtension, BoardRegistry } from '../sync/board-registry.js';
import type { BoardService } from '../boards/board-service.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../log.js';
import type { AccessControl } from '../auth/access.js';

type IO = Server<ClientToServerEvents, ServerToClientEvents>;
type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/**
 * Wires the board events and returns the registry extension that announces renames; the composition root
 * registers it. Title and purpose may change through any path (a browser edits the Y.Doc, REST, a bot), so the
 * document is watched, and a rename is announced and written to the board's row once the change is stored.
 */
export function attachBoardEvents(
  io: IO,
  deps: { registry: BoardRegistry; boards: BoardService; store: Store; access: AccessControl; log: Logger },
): BoardExtension {
  const { registry, boards, store, access, log } = deps;

  const renames: BoardExtension = {
    name: 'board-events',
    attach(board) {
      let last = readMeta(board.doc);
      let changed = false;
      const meta = board.doc.getMap('meta');
      const onMeta = () => (changed = true);
      meta.observe(onMeta);
      return {
        stored() {
          // Read only when all the board's changes are stored, so what is announced is stored too.
          if (!changed || board.pending > 0) return;
          changed = false;
          const now = readMeta(board.doc);
          if (now.title === last.title && now.purpose === last.purpose) return;
          const titleChanged = now.title !== last.title;
          last = now;
          // With several instances, the board's owner announces (socket.io's adapter reaches every instance).
          if (!registry.owns(board.id)) return;
          io.to(boardRoom(board.id)).emit('board:renamed', { boardId: board.id, title: now.title, purpose: now.purpose });
          if (titleChanged) store.renameBoard(board.id, now.title, Date.now()).catch((err) => log.error('could not store new title', { err }));
        },
        detach: () => meta.unobserve(onMeta),
      };
    },
  };

  boards.onDeleted((boardId) => io.to(boardRoom(boardId)).emit('board:deleted', { boardId }));

  io.on('connection', (socket: ClientSocket) => {
    socket.on('board:watch', async (raw, ack) => {
      if (typeof ack !== 'function') return;
      try {
        const joined = await joinBoardRoom(socket, raw, access);
        if ('error' in joined) return ack(joined.error);
        const { boardId } = joined;
        const meta = await registry.withBoard(boardId, (b) => readMeta(b.doc));
        if (!meta) return ack(fail(apiError(ErrorCode.NotFound, { reason: 'board_not_found' }, 'board not found')));
        ack({ ok: true, data: { boardId, title: meta.title, purpose: meta.purpose } });
      } catch (err) {
        log.error('board:watch failed', { err });
        ack(fail(apiError(ErrorCode.Internal, { reason: 'server_failed' }, 'could not watch the board')));
      }
    });
    socket.on('board:unwatch', async (raw, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = BoardUnwatchPayload.safeParse(raw);
      if (!parsed.success) return ack(fail(apiError(ErrorCode.BadRequest, { reason: 'invalid_payload' }, 'expected { boardId }')));
      await leaveBoardRoom(socket, parsed.data.boardId);
      ack({ ok: true, data: null });
    });
  });
  return renames;
}

/**
 * Board-level notifications over socket.io (shared/socket-events.ts). Used lightly: the Y.Doc already
 * carries renames, so the events acted on are `board:deleted` and `board:revoked` (the link was replaced;
 * watching stops, as it would not be let back in). If socket.io cannot connect, the board still works;
 * only these notices are lost.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';

export function watchBoard(boardId: string, token: string, handlers: { onDeleted: () => void; onRevoked: () => void }): () => void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket'] });
  const stop = () => {
    socket.off();
    socket.disconnect();
  };
  // Re-watch after every reconnect: the server forgets rooms of a dropped socket.
  const watch = () => socket.emit('board:watch', { boardId, token }, () => {});
  socket.on('connect', watch);
  socket.on('board:deleted', (e) => {
    if (e?.boardId === boardId) handlers.onDeleted();
  });
  socket.on('board:revoked', (e) => {
    if (e?.boardId !== boardId) return;
    stop();
    handlers.onRevoked();
  });
  return stop;
}

/**
 * Board-level notifications over socket.io (shared/socket-events.ts). Used lightly: the Y.Doc already
 * carries renames, so the only event acted on is `board:deleted`. If socket.io cannot connect, the board
 * still works; only the deletion notice is lost.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';

export function watchBoard(boardId: string, token: string, handlers: { onDeleted: () => void }): () => void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket'] });
  // Re-watch after every reconnect: the server forgets rooms of a dropped socket.
  const watch = () => socket.emit('board:watch', { boardId, token }, () => {});
  socket.on('connect', watch);
  socket.on('board:deleted', (e) => {
    if (e?.boardId === boardId) handlers.onDeleted();
  });
  return () => {
    socket.off();
    socket.disconnect();
  };
}

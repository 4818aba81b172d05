/**
 * Watching a board over socket.io's default namespace: the room every board-level event goes to, the one
 * check both `board:watch` and `actions:watch` run (payload shape, room bound, access) before joining, and
 * the record of which link (role) each socket joined a board with, so that replacing a link cuts off the
 * sockets that came in with the old one.
 */
import type { Server, Socket } from 'socket.io';
import { BoardWatchPayload, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/socket-events.js';
import { ErrorCode } from '../../shared/errors.js';
import type { Role } from '../../shared/roles.js';
import type { AccessControl } from '../auth/access.js';
import { apiError, fail } from './acks.js';
import { boardRoom } from './rooms.js';

/** A socket may watch this many boards at once; enough for any UI, bounded for the server. */
const MAX_WATCHED = 20;

/**
 * Per board a socket watches, the roles of the links it joined with (in `socket.data`). A socket that
 * watched one board with two links stays in the room until both are replaced.
 */
function watchedRoles(socket: Socket): Map<string, Set<Role>> {
  const data = socket.data as { watching?: Map<string, Set<Role>> };
  return (data.watching ??= new Map());
}

/**
 * Validates a watch request and joins the board's room. Resolves with the board id, or with the error ack
 * to send back. Joins before the caller reads, so nothing stored in between is missed.
 */
export async function joinBoardRoom(socket: Socket, raw: unknown, access: AccessControl): Promise<{ boardId: string } | { error: Ack<never> }> {
  const parsed = BoardWatchPayload.safeParse(raw);
  if (!parsed.success) return { error: fail(apiError(ErrorCode.BadRequest, { reason: 'invalid_payload' }, 'expected { boardId, token }')) };
  if (socket.rooms.size > MAX_WATCHED) {
    return { error: fail(apiError(ErrorCode.BadRequest, { reason: 'too_many_watches', params: { max: MAX_WATCHED } }, `watch at most ${MAX_WATCHED} boards`)) };
  }
  const { boardId, token } = parsed.data;
  const allowed = await access.check(boardId, token);
  if (!allowed.ok) return { error: fail(allowed.error) };
  const roles = watchedRoles(socket);
  if (!roles.has(boardId)) roles.set(boardId, new Set());
  roles.get(boardId)!.add(allowed.role);
  await socket.join(boardRoom(boardId));
  // The link may have been replaced while the first check ran, before this socket was on record for
  // `revokeWatchers` to find: ask again now that a later replacement would find it.
  const still = await access.check(boardId, token);
  if (!still.ok) {
    forgetRole(socket, boardId, allowed.role);
    return { error: fail(still.error) };
  }
  return { boardId };
}

/** Leaves the board's room and forgets the links the socket joined it with (`board:unwatch`). */
export async function leaveBoardRoom(socket: Socket, boardId: string): Promise<void> {
  watchedRoles(socket).delete(boardId);
  await socket.leave(boardRoom(boardId));
}

/** Forgets one role; leaves the room once no link the socket joined with is left. Whether it left. */
function forgetRole(socket: Socket, boardId: string, role: Role): boolean {
  const watching = watchedRoles(socket);
  const roles = watching.get(boardId);
  if (!roles?.delete(role) || roles.size > 0) return false;
  watching.delete(boardId);
  void socket.leave(boardRoom(boardId));
  return true;
}

/**
 * A board's link for `role` was replaced: every socket that watches the board only through that link
 * leaves its room at once and hears `board:revoked`; sockets that joined with another link stay. Runs
 * synchronously (the local adapter), so once the rotation has answered, no board event reaches them.
 */
export function revokeWatchers(io: Server<ClientToServerEvents, ServerToClientEvents>, boardId: string, role: Role, reason: string): void {
  const members = io.sockets.adapter.rooms.get(boardRoom(boardId));
  for (const id of [...(members ?? [])]) {
    const socket = io.sockets.sockets.get(id);
    if (socket && forgetRole(socket, boardId, role)) socket.emit('board:revoked', { boardId, reason });
  }
}

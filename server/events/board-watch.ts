/**
 * Watching a board over socket.io's default namespace: the room every board-level event goes to, and the
 * one check both `board:watch` and `actions:watch` run (payload shape, room bound, access) before joining.
 */
import type { Socket } from 'socket.io';
import { BoardWatchPayload, type Ack } from '../../shared/socket-events.js';
import { ErrorCode } from '../../shared/errors.js';
import type { AccessControl } from '../auth/access.js';

export const boardRoom = (boardId: string): string => `board:${boardId}`;

/** A socket may watch this many boards at once; enough for any UI, bounded for the server. */
const MAX_WATCHED = 20;

export function fail(code: ErrorCode, message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}

/**
 * Validates a watch request and joins the board's room. Resolves with the board id, or with the error ack
 * to send back. Joins before the caller reads, so nothing stored in between is missed.
 */
export async function joinBoardRoom(socket: Socket, raw: unknown, access: AccessControl): Promise<{ boardId: string } | { error: Ack<never> }> {
  const parsed = BoardWatchPayload.safeParse(raw);
  if (!parsed.success) return { error: fail(ErrorCode.BadRequest, 'expected { boardId, token }') };
  if (socket.rooms.size > MAX_WATCHED) return { error: fail(ErrorCode.BadRequest, `watch at most ${MAX_WATCHED} boards`) };
  const { boardId, token } = parsed.data;
  const allowed = await access.check(boardId, token);
  if (!allowed.ok) return { error: fail(allowed.status === 404 ? ErrorCode.NotFound : ErrorCode.Forbidden, allowed.message) };
  await socket.join(boardRoom(boardId));
  return { boardId };
}

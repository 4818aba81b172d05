/**
 * A series over socket.io: `series:watch` (validate → access → service → ack) joins the series' room, and
 * every change the action service stores on a meeting's board goes to that room as `series:actions`, so a
 * later meeting's "since last meeting" block hears a status set from any page of any meeting.
 */
import type { Server, Socket } from 'socket.io';
import { ErrorCode } from '../../shared/errors.js';
import type { Role } from '../../shared/roles.js';
import { SeriesWatchPayload, type SeriesActionItem } from '../../shared/series-events.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import type { ActionService } from '../actions/action-service.js';
import type { AccessControl } from '../auth/access.js';
import type { Logger } from '../log.js';
import type { SeriesService } from '../series/series-service.js';
import { apiError, fail } from './acks.js';
import { seriesRoom } from './rooms.js';

type IO = Server<ClientToServerEvents, ServerToClientEvents>;
type ClientSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** A socket may watch this many series at once: a page watches one. */
const MAX_WATCHED = 5;

/** Per series a socket watches, the roles of the links it joined with (so replacing a link cuts it off). */
function watchedRoles(socket: ClientSocket): Map<string, Set<Role>> {
  const data = socket.data as { watchingSeries?: Map<string, Set<Role>> };
  return (data.watchingSeries ??= new Map());
}

export interface SeriesEvents {
  /**
   * A role's link of the board's series was replaced: sockets that watch the series only through that link
   * leave its room and hear `board:revoked` for the board.
   */
  revoke(boardId: string, role: Role): Promise<void>;
}

export function attachSeriesEvents(io: IO, deps: { series: SeriesService; actions: ActionService; access: AccessControl; log: Logger }): SeriesEvents {
  const { series, actions, access, log } = deps;

  actions.onChanged((boardId, items) => {
    void series
      .meetingOfBoard(boardId)
      .then((m) => {
        if (m) io.to(seriesRoom(m.seriesId)).emit('series:actions', { seriesId: m.seriesId, seq: m.seq, items });
      })
      .catch((err: unknown) => log.error('series:actions failed', { boardId, err }));
  });

  io.on('connection', (socket: ClientSocket) => {
    socket.on('series:watch', (raw, ack) => void watch(socket, raw, ack));
  });

  async function watch(socket: ClientSocket, raw: unknown, ack: (res: Ack<SeriesActionItem[]>) => void): Promise<void> {
    if (typeof ack !== 'function') return;
    try {
      const parsed = SeriesWatchPayload.safeParse(raw);
      if (!parsed.success) return ack(fail(apiError(ErrorCode.BadRequest, { reason: 'invalid_payload' }, 'expected { seriesId, token }')));
      const { seriesId, token } = parsed.data;
      const roles = watchedRoles(socket);
      if (!roles.has(seriesId) && roles.size >= MAX_WATCHED) {
        return ack(fail(apiError(ErrorCode.BadRequest, { reason: 'too_many_watches', params: { max: MAX_WATCHED } }, `watch at most ${MAX_WATCHED} series`)));
      }
      const allowed = await access.checkSeries(seriesId, token);
      if (!allowed.ok) return ack(fail(allowed.error));
      if (!roles.has(seriesId)) roles.set(seriesId, new Set());
      roles.get(seriesId)!.add(allowed.role);
      // Join before reading, so nothing stored in between is missed.
      await socket.join(seriesRoom(seriesId));
      ack({ ok: true, data: await series.actions(seriesId) });
    } catch (err) {
      log.error('series:watch failed', { err });
      ack(fail(apiError(ErrorCode.Internal, { reason: 'server_failed' }, 'could not watch the series')));
    }
  }

  return {
    async revoke(boardId, role) {
      const seriesId = await series.seriesOfBoard(boardId);
      if (!seriesId) return;
      for (const id of [...(io.sockets.adapter.rooms.get(seriesRoom(seriesId)) ?? [])]) {
        const socket = io.sockets.sockets.get(id);
        const roles = socket && watchedRoles(socket).get(seriesId);
        if (!socket || !roles?.delete(role) || roles.size > 0) continue;
        watchedRoles(socket).delete(seriesId);
        await socket.leave(seriesRoom(seriesId));
        socket.emit('board:revoked', { boardId, reason: 'this link was replaced by a new one' });
      }
    },
  };
}

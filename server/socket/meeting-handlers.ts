/**
 * The `/meeting` socket.io namespace. Access is decided once, in the namespace middleware (board, token,
 * who you are); then every command has the same shape: rate limit → validate → check role and phase →
 * run on the room → ack `{ok,data}|{ok:false,error}`; the room broadcasts the new state itself.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import { ErrorCode } from '../../shared/errors.js';
import { Commands, MEETING_NAMESPACE, MeetingAuth, type CommandName, type MeetingClientEvents, type MeetingServerEvents } from '../../shared/meeting.js';
import type { Ack } from '../../shared/socket-events.js';
import type { Role } from '../../shared/roles.js';
import type { AccessControl } from '../auth/access.js';
import type { Logger } from '../log.js';
import { CommandError } from '../meeting/command-error.js';
import type { MeetingGateway, MeetingPerson } from '../meeting/meeting-gateway.js';
import type { RoomOutput } from '../meeting/meeting-room.js';
import { RateLimiter } from '../limits/rate-limit.js';
import type { SeatIssuer } from '../meeting/seats.js';
import { apiError, fail, refusal } from './acks.js';
import { boardRoom, personRoom } from './rooms.js';

/** The person the handshake checked: see MeetingPerson. */
type SocketData = MeetingPerson;
type MeetingSocket = Socket<MeetingClientEvents, MeetingServerEvents, Record<string, never>, SocketData>;
type MeetingNamespace = Namespace<MeetingClientEvents, MeetingServerEvents, Record<string, never>, SocketData>;

export interface MeetingNamespaceDeps {
  access: AccessControl;
  seats: SeatIssuer;
  log: Logger;
  rateLimit: { burst: number; perSecond: number; strikes: number };
}

/** The room output for a board: emits to everyone in the board's meeting, or to one person. */
export function roomOutput(nsp: MeetingNamespace, boardId: string): RoomOutput {
  return {
    state: (state) => nsp.to(boardRoom(boardId)).emit('meeting:state', state),
    announce: (a) => nsp.to(boardRoom(boardId)).emit('meeting:announce', { ...a, at: Date.now() }),
    expired: (agendaId) => nsp.to(boardRoom(boardId)).emit('timer:expired', { agendaId }),
    vote: (pid, vote) => nsp.to(personRoom(boardId, pid)).emit('vote:mine', vote),
  };
}

export function meetingNamespace(io: Server): MeetingNamespace {
  return io.of(MEETING_NAMESPACE) as unknown as MeetingNamespace;
}

export function attachMeetingHandlers(nsp: MeetingNamespace, meetings: MeetingGateway, deps: MeetingNamespaceDeps): void {
  const { access, log } = deps;

  nsp.use(async (socket, next) => {
    const parsed = MeetingAuth.safeParse(socket.handshake.auth);
    if (!parsed.success)
      return next(refusal(apiError(ErrorCode.BadRequest, { reason: 'invalid_payload' }, 'join with { boardId, token, seat?, name, color }')));
    const { boardId, token, name, color } = parsed.data;
    try {
      const result = await access.check(boardId, token);
      if (!result.ok) return next(refusal(result.error));
      // Identity is issued, never claimed: a seat whose key does not check out is not yours; take a new one.
      const seat = parsed.data.seat && deps.seats.verify(boardId, parsed.data.seat) ? parsed.data.seat : deps.seats.issue(boardId);
      if (!(await meetings.canSeat(boardId, seat.id))) {
        return next(refusal(apiError(ErrorCode.MeetingFull, { reason: 'meeting_full' }, 'this meeting is full: everyone on its roster is present')));
      }
      socket.data = { boardId, role: result.role, seat, name, color };
      next();
    } catch (err) {
      log.error('meeting join failed', { err });
      next(refusal(apiError(ErrorCode.Internal, { reason: 'server_failed' }, 'could not join the meeting')));
    }
  });

  nsp.on('connection', async (socket: MeetingSocket) => {
    const me = socket.data;
    // First, before any state: the seat this socket sits in (its key goes to this socket alone).
    socket.emit('meeting:seat', me.seat);
    const limiter = new RateLimiter(deps.rateLimit);
    // Commands that arrive while the room loads wait for it instead of failing.
    const ready = joinRoom(meetings, socket).catch((err) => {
      if (!(err instanceof CommandError)) log.error('could not load the meeting', { board: me.boardId, err });
      socket.disconnect(true);
      return false;
    });

    for (const name of Object.keys(Commands) as CommandName[]) {
      socket.on(name, async (...args: unknown[]) => {
        const ack = args[args.length - 1];
        if (typeof ack !== 'function') return; // every command is acknowledged; one without an ack is noise
        const reply = ack as (res: Ack<unknown>) => void;
        const verdict = limiter.take();
        if (verdict === 'disconnect') {
          reply(fail(apiError(ErrorCode.RateLimited, { reason: 'cut_off' }, 'too many commands; disconnected')));
          // After the current turn, so the acks of commands already accepted still reach the client.
          setImmediate(() => socket.disconnect(true));
          return;
        }
        if (verdict === 'refuse') return reply(fail(apiError(ErrorCode.RateLimited, { reason: 'slow_down' }, 'too many commands; slow down')));
        const parsed = Commands[name].safeParse(args.length > 1 ? args[0] : undefined);
        if (!parsed.success) {
          return reply(fail(apiError(ErrorCode.BadRequest, { reason: 'invalid_payload' }, `${name}: ${parsed.error.issues[0]?.message ?? 'invalid payload'}`)));
        }
        if (!(await ready)) return reply(fail(apiError(ErrorCode.NotFound, { reason: 'board_not_found' }, 'board not found')));
        try {
          reply({ ok: true, data: await meetings.command(socket.id, me, name, parsed.data) });
        } catch (err) {
          if (err instanceof CommandError) return reply(fail(err.error));
          log.error('meeting command failed', { command: name, board: me.boardId, err });
          reply(fail(apiError(ErrorCode.Internal, { reason: 'server_failed' }, 'the command failed on the server')));
        }
      });
    }

    socket.on('disconnect', async () => {
      if (!(await ready)) return;
      await meetings.leave(socket.id, me).catch((err) => log.error('could not leave the meeting', { board: me.boardId, err }));
    });
  });
}

async function joinRoom(meetings: MeetingGateway, socket: MeetingSocket): Promise<boolean> {
  const me = socket.data;
  // In the socket.io rooms first: the state the join broadcasts (from whichever instance runs the meeting) reaches it.
  await socket.join([boardRoom(me.boardId), personRoom(me.boardId, me.seat.id)]);
  const joined = await meetings.join(socket.id, me);
  if (!joined) {
    socket.disconnect(true);
    return false;
  }
  if (joined.vote) socket.emit('vote:mine', joined.vote);
  return true;
}

/** Disconnects the meeting sockets of a board that came in with `role` (their link was replaced). */
export async function disconnectRole(nsp: MeetingNamespace, boardId: string, role: Role): Promise<void> {
  for (const s of await nsp.in(boardRoom(boardId)).fetchSockets()) if (s.data.role === role) s.disconnect(true);
}

export async function disconnectBoard(nsp: MeetingNamespace, boardId: string): Promise<void> {
  nsp.in(boardRoom(boardId)).disconnectSockets(true);
}

/**
 * The `/meeting` socket.io namespace. Access is decided once, in the namespace middleware (board, token,
 * who you are); then every command has the same shape: rate limit → validate → check role and phase →
 * run on the room → ack `{ok,data}|{ok:false,error}`; the room broadcasts the new state itself.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import { ErrorCode } from '../../shared/errors.js';
import {
  AFTER_END_COMMANDS,
  COMMAND_ACCESS,
  Commands,
  MEETING_NAMESPACE,
  MeetingAuth,
  type CommandName,
  type Seat,
  type CommandResults,
  type MeetingClientEvents,
  type MeetingServerEvents,
} from '../../shared/meeting.js';
import type { Ack } from '../../shared/socket-events.js';
import { canEdit, type Role } from '../../shared/roles.js';
import type { AccessControl } from '../auth/access.js';
import type { Logger } from '../log.js';
import { CommandError } from '../meeting/command-error.js';
import type { MeetingRoom, RoomOutput } from '../meeting/meeting-room.js';
import type { MeetingService } from '../meeting/meeting-service.js';
import { RateLimiter } from '../limits/rate-limit.js';
import type { SeatIssuer } from '../meeting/seats.js';
import { apiError, fail, refusal } from './acks.js';
import { boardRoom, personRoom } from './rooms.js';

interface SocketData {
  boardId: string;
  /** The role of the token this socket came in with (checked by the server at the handshake). */
  role: Role;
  /** The seat the server issued or verified for this socket: who it is in the meeting (`seat.id` on the roster). */
  seat: Seat;
  name: string;
  color: string;
}
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

export function attachMeetingHandlers(nsp: MeetingNamespace, service: MeetingService, deps: MeetingNamespaceDeps): void {
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
      const room = await service.room(boardId);
      if (room && !room.canSeat(seat.id)) {
        void service.releaseIfEmpty(boardId);
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
    const ready = joinRoom(service, socket).catch((err) => {
      log.error('could not load the meeting', { board: me.boardId, err });
      socket.disconnect(true);
      return null;
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
        const room = await ready;
        if (!room) return reply(fail(apiError(ErrorCode.NotFound, { reason: 'board_not_found' }, 'board not found')));
        try {
          authorize(room, me, name);
          reply({ ok: true, data: run(room, me, name, parsed.data as never) });
        } catch (err) {
          if (err instanceof CommandError) return reply(fail(err.error));
          log.error('meeting command failed', { command: name, board: me.boardId, err });
          reply(fail(apiError(ErrorCode.Internal, { reason: 'server_failed' }, 'the command failed on the server')));
        }
      });
    }

    socket.on('disconnect', async () => {
      const room = await ready;
      if (!room) return;
      room.leave(me.seat.id);
      await service.releaseIfEmpty(me.boardId);
    });
  });
}

async function joinRoom(service: MeetingService, socket: MeetingSocket): Promise<MeetingRoom | null> {
  const me = socket.data;
  const room = await service.room(me.boardId);
  if (!room) {
    socket.disconnect(true);
    return null;
  }
  await socket.join([boardRoom(me.boardId), personRoom(me.boardId, me.seat.id)]);
  room.join({ id: me.seat.id, name: me.name, color: me.color, role: me.role });
  // A late joiner gets everything at once: the state (joining broadcast it to the room) and its own dots.
  const vote = canEdit(me.role) ? room.myVote(me.seat.id) : null;
  if (vote) socket.emit('vote:mine', vote);
  return room;
}

function authorize(room: MeetingRoom, me: SocketData, name: CommandName): void {
  if (room.ended && !AFTER_END_COMMANDS.has(name)) throw new CommandError(ErrorCode.MeetingEnded, { reason: 'meeting_ended' }, 'the meeting has ended');
  const needed = COMMAND_ACCESS[name];
  if (needed === 'editor' && !canEdit(me.role)) throw new CommandError(ErrorCode.Forbidden, { reason: 'viewers_cannot' }, 'viewers cannot do that');
  // The seat and the token's role must both allow it: a lead handed to a seat never outlives its link's rights.
  if (needed === 'leader' && (!canEdit(me.role) || !room.isLeader(me.seat.id))) {
    throw new CommandError(ErrorCode.Forbidden, { reason: 'facilitator_only' }, 'only the facilitator can do that');
  }
}

/** Runs one validated, authorised command on the room. */
function run<N extends CommandName>(room: MeetingRoom, me: SocketData, name: N, p: any): CommandResults[N] {
  const pid = me.seat.id;
  const result = ((): unknown => {
    switch (name) {
      case 'meeting:advance':
        return room.advance(p.phase);
      case 'meeting:set-item':
        return room.setItem(p.agendaId);
      case 'meeting:next-item':
        return room.nextItem();
      case 'meeting:end':
        return room.end();
      case 'meeting:handover':
        return room.handover(p.participantId, pid);
      case 'meeting:co-facilitator':
        return room.setCoFacilitator(p.participantId, p.on);
      case 'meeting:claim':
        return room.claim(pid, me.role);
      case 'timer:start':
        return room.timerStart();
      case 'timer:pause':
        return room.timerPause();
      case 'timer:extend':
        return room.timerExtend(p.minutes);
      case 'timer:reset':
        return room.timerReset();
      case 'hand:raise':
        return (room.raiseHand(pid), null);
      case 'hand:lower': {
        const target = p?.participantId ?? pid;
        if (target !== pid && !(canEdit(me.role) && room.isLeader(pid)))
          throw new CommandError(ErrorCode.Forbidden, { reason: 'facilitator_lowers_hands' }, "only the facilitator can lower someone else's hand");
        return (room.lowerHand(target), null);
      }
      case 'queue:next':
        return { speakerId: room.nextSpeaker() };
      case 'queue:yield':
        return { speakerId: room.yieldFloor(pid, canEdit(me.role) && room.isLeader(pid)) };
      case 'checkin:set':
        return (room.checkIn(pid, p.text), null);
      case 'vote:open':
        return room.voteOpen(p.dots);
      case 'vote:cast':
        return room.voteCast(pid, p.cardId, p.delta);
      case 'vote:reveal':
        return room.voteReveal();
      case 'vote:close':
        return (room.voteClose(), null);
      case 'vote:sort':
        return room.sortByDots(pid);
      case 'hidden:set':
        return (room.setHidden(p.column, p.on), null);
      case 'hidden:reveal':
        return { revealed: room.reveal(p.column) };
      case 'draft:add':
        return room.draftAdd(pid, p.card);
      case 'draft:delete':
        return (room.draftDelete(pid, p.id), null);
      case 'draft:list':
        return room.drafts(pid);
      case 'time:sync':
        return { serverNow: room.now() };
    }
  })();
  return result as CommandResults[N];
}

/** Disconnects the meeting sockets of a board that came in with `role` (their link was replaced). */
export async function disconnectRole(nsp: MeetingNamespace, boardId: string, role: Role): Promise<void> {
  for (const s of await nsp.in(boardRoom(boardId)).fetchSockets()) if (s.data.role === role) s.disconnect(true);
}

export async function disconnectBoard(nsp: MeetingNamespace, boardId: string): Promise<void> {
  nsp.in(boardRoom(boardId)).disconnectSockets(true);
}

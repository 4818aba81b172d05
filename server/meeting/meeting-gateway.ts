/**
 * Where a meeting command runs. The meeting is server-authoritative: one MeetingRoom per board decides. With one
 * instance that is this one (LocalMeetings, here); with several (REDIS_URL) it is the board's owner, and the
 * other instances forward to it (server/scale/meeting-hosts.ts). The socket.io handlers talk to this interface
 * only, so they do not know which.
 *
 * A connection (a socket's id, unique across instances) joins and leaves once: a join or leave repeated after
 * a lost answer or a change of host changes nothing twice.
 */
import { canEdit } from '../../shared/roles.js';
import { ErrorCode } from '../../shared/errors.js';
import { AFTER_END_COMMANDS, COMMAND_ACCESS, type CommandName, type CommandResults, type MyVote, type Seat } from '../../shared/meeting.js';
import type { Role } from '../../shared/roles.js';
import { CommandError } from './command-error.js';
import type { MeetingRoom } from './meeting-room.js';
import type { MeetingService } from './meeting-service.js';

/** Who a connection is in a meeting: what the server checked and issued at the handshake. */
export interface MeetingPerson {
  boardId: string;
  /** The role of the token the connection came in with. */
  role: Role;
  /** The seat the server issued or verified: who it is on the roster. */
  seat: Seat;
  name: string;
  color: string;
}

export interface MeetingGateway {
  /** Whether seat `seatId` may join the board's meeting (false: full of people present). */
  canSeat(boardId: string, seatId: string): Promise<boolean>;
  /** Seats the connection; its own dots when it has some. Null when there is no such board. Throws CommandError. */
  join(conn: string, me: MeetingPerson): Promise<{ vote: MyVote | null } | null>;
  /** Runs one validated command for the connection; throws CommandError when refused. */
  command<N extends CommandName>(conn: string, me: MeetingPerson, name: N, payload: unknown): Promise<CommandResults[N]>;
  leave(conn: string, me: MeetingPerson): Promise<void>;
  /** Ends a meeting from the server (see MeetingService.endNow). */
  endNow(boardId: string): Promise<boolean>;
  /** A seat's name and role on the board's roster, or null. */
  rosterEntry(boardId: string, seatId: string): Promise<{ name: string; role: Role } | null>;
}

/** The meetings this instance runs itself. */
export class LocalMeetings implements MeetingGateway {
  /** Connections seated per board, each with its seat. */
  readonly #conns = new Map<string, Map<string, string>>();

  constructor(private readonly service: MeetingService) {}

  async canSeat(boardId: string, seatId: string): Promise<boolean> {
    const room = await this.service.room(boardId);
    if (!room || room.canSeat(seatId)) return true;
    void this.service.releaseIfEmpty(boardId);
    return false;
  }

  async join(conn: string, me: MeetingPerson): Promise<{ vote: MyVote | null } | null> {
    const room = await this.service.room(me.boardId);
    if (!room) return null;
    let conns = this.#conns.get(me.boardId);
    if (!conns?.has(conn)) {
      room.join({ id: me.seat.id, name: me.name, color: me.color, role: me.role });
      if (!conns) this.#conns.set(me.boardId, (conns = new Map()));
      conns.set(conn, me.seat.id);
    }
    // A late joiner gets everything at once: the state (joining broadcast it to the room) and its own dots.
    return { vote: canEdit(me.role) ? room.myVote(me.seat.id) : null };
  }

  async command<N extends CommandName>(_conn: string, me: MeetingPerson, name: N, payload: unknown): Promise<CommandResults[N]> {
    const room = await this.service.room(me.boardId);
    if (!room) throw new CommandError(ErrorCode.NotFound, { reason: 'board_not_found' }, 'board not found');
    authorize(room, me, name);
    return run(room, me, name, payload);
  }

  async leave(conn: string, me: MeetingPerson): Promise<void> {
    const conns = this.#conns.get(me.boardId);
    if (!conns?.delete(conn)) return;
    if (!conns.size) this.#conns.delete(me.boardId);
    const room = await this.service.room(me.boardId);
    room?.leave(me.seat.id);
    await this.service.releaseIfEmpty(me.boardId);
  }

  endNow(boardId: string): Promise<boolean> {
    return this.service.endNow(boardId);
  }

  async rosterEntry(boardId: string, seatId: string): Promise<{ name: string; role: Role } | null> {
    const room = await this.service.room(boardId);
    const entry = room?.snapshot().roster.find((p) => p.id === seatId);
    void this.service.releaseIfEmpty(boardId);
    return entry ? { name: entry.name, role: entry.role } : null;
  }

  /** The connections seated here on the board (a host that takes over a meeting is told of them again). */
  seated(boardId: string): ReadonlyMap<string, string> {
    return this.#conns.get(boardId) ?? new Map();
  }

  /** Puts the board's room away without a word to anyone: another instance runs the meeting now. */
  async giveUp(boardId: string): Promise<void> {
    this.#conns.delete(boardId);
    await this.service.evict(boardId);
  }
}

function authorize(room: MeetingRoom, me: MeetingPerson, name: CommandName): void {
  if (room.ended && !AFTER_END_COMMANDS.has(name)) throw new CommandError(ErrorCode.MeetingEnded, { reason: 'meeting_ended' }, 'the meeting has ended');
  const needed = COMMAND_ACCESS[name];
  if (needed === 'editor' && !canEdit(me.role)) throw new CommandError(ErrorCode.Forbidden, { reason: 'viewers_cannot' }, 'viewers cannot do that');
  // The seat and the token's role must both allow it: a lead handed to a seat never outlives its link's rights.
  if (needed === 'leader' && (!canEdit(me.role) || !room.isLeader(me.seat.id))) {
    throw new CommandError(ErrorCode.Forbidden, { reason: 'facilitator_only' }, 'only the facilitator can do that');
  }
}

/** Runs one validated, authorised command on the room. */
function run<N extends CommandName>(room: MeetingRoom, me: MeetingPerson, name: N, p: any): CommandResults[N] {
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

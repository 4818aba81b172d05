/**
 * The meeting channel contract (socket.io namespace `/meeting`): phases, timer, roster, votes, hidden
 * writing, and the typed events in both directions. The server is the authority for all of it; every
 * command is acknowledged with `Ack` (see socket-events.ts).
 */
import { z } from 'zod';
import * as Y from 'yjs';
import { COLUMNS, LIMITS, listCards, readMeta, type ColumnId } from './board-schema.js';
import { CreateCardBody } from './api-schemas.js';
import { BOARD_ID_PATTERN } from './ids.js';
import type { Role } from './roles.js';
import type { Ack } from './socket-events.js';
import type { AnnouncementNotice } from './messages.js';

export const MEETING_NAMESPACE = '/meeting';

export const PHASES = ['lobby', 'check-in', 'agenda', 'needs', 'challenges', 'wrap-up', 'ended'] as const;
export type Phase = (typeof PHASES)[number];

export const TIMER_STATUSES = ['idle', 'running', 'paused', 'expired'] as const;
export interface TimerState {
  /** The agenda item being timed, or null. */
  agendaId: string | null;
  status: (typeof TIMER_STATUSES)[number];
  /** Time allotted so far (timebox plus extensions), ms. */
  durationMs: number;
  /** When running: the server time (epoch ms) at which it reaches zero. */
  endsAt: number | null;
  /** When not running: what is left, ms. */
  remainingMs: number;
  /**
   * When expired: the server time (epoch ms) at which it reached zero; the overtime counts from it. Null
   * otherwise (and for a timer stored before overtime was kept).
   */
  expiredAt: number | null;
}

export interface RosterEntry {
  /** The seat's id, issued by the server; a reconnect that presents the seat's key is the same person. */
  id: string;
  name: string;
  color: string;
  /** The role of the link this person came in with. */
  role: Role;
  online: boolean;
  joinedAt: number;
  lastSeen: number;
  /** When the hand went up (the speaking queue is ordered by it), or null. */
  handRaisedAt: number | null;
  /** The person's line from the check-in round. */
  checkIn: string | null;
}

export interface VoteRoundPublic {
  id: string;
  status: 'open' | 'revealed';
  dotsPerPerson: number;
  /** Challenges that can be voted on in this round. */
  cardIds: string[];
  openedAt: number;
  /** How many people have placed at least one dot (never who, never where, until the reveal). */
  voters: number;
  /** Only after the reveal: dots per challenge, most first. */
  results: { cardId: string; dots: number }[] | null;
}

export interface MeetingState {
  boardId: string;
  phase: Phase;
  /** Roster id of whoever leads the meeting now. */
  facilitatorId: string | null;
  coFacilitatorIds: string[];
  currentAgendaId: string | null;
  timer: TimerState;
  roster: RosterEntry[];
  /** Who has the floor (set when the facilitator takes the next hand from the queue). */
  speakerId: string | null;
  vote: VoteRoundPublic | null;
  /** Columns in hidden-writing mode, and how many hidden cards each person holds there. */
  hidden: { columns: ColumnId[]; drafts: { authorId: string; name: string; column: ColumnId; count: number }[] };
  startedAt: number | null;
  endedAt: number | null;
  /** The server's clock when this state was sent, for clock-offset correction. */
  serverNow: number;
}

export interface Draft {
  id: string;
  card: CreateCardBody;
  createdAt: number;
}

export interface MyVote {
  roundId: string;
  dots: Record<string, number>;
  remaining: number;
}

/** Something the meeting tells everyone: a code the client words in its language, the same in English. */
export type Announcement = AnnouncementNotice & { message: string; at: number };

// ---- payload schemas (validated on the server; the client uses the same to build them) -------------------

const empty = z.strictObject({}).optional();
const rosterId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'not a participant id');
const cardId = z.string().min(1).max(64);

/**
 * A seat on a board's meeting roster, issued by the server (`meeting:seat`): `id` is public (it is on the
 * roster), `key` proves to the server that the seat is yours when you come back. Keep the key to yourself.
 */
export const Seat = z.strictObject({ id: rosterId, key: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a seat key') });
export type Seat = z.infer<typeof Seat>;

export const MeetingAuth = z.strictObject({
  boardId: z.string().regex(BOARD_ID_PATTERN, 'not a board id'),
  token: z.string().max(100),
  /** The seat the server issued to you on an earlier join; without it (or with a wrong key) you get a new one. */
  seat: Seat.optional(),
  /** Sent by clients from before seats were issued; ignored (identity is never taken from the client). */
  participantId: z.string().max(64).optional(),
  name: z.string().trim().min(1, 'give your name').max(LIMITS.name),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
});
export type MeetingAuth = z.infer<typeof MeetingAuth>;

export const Commands = {
  'meeting:advance': z.strictObject({ phase: z.enum(PHASES) }),
  'meeting:set-item': z.strictObject({ agendaId: cardId.nullable() }),
  'meeting:next-item': empty,
  'meeting:end': empty,
  'meeting:handover': z.strictObject({ participantId: rosterId }),
  'meeting:co-facilitator': z.strictObject({ participantId: rosterId, on: z.boolean() }),
  'meeting:claim': empty,
  'timer:start': empty,
  'timer:pause': empty,
  'timer:extend': z.strictObject({ minutes: z.number().int().min(1).max(60) }),
  'timer:reset': empty,
  'hand:raise': empty,
  'hand:lower': z.strictObject({ participantId: rosterId.optional() }).optional(),
  'queue:next': empty,
  'queue:yield': empty,
  'checkin:set': z.strictObject({ text: z.string().trim().max(LIMITS.shortText) }),
  'vote:open': z.strictObject({ dots: z.number().int().min(1).max(20) }),
  'vote:cast': z.strictObject({ cardId, delta: z.union([z.literal(1), z.literal(-1)]) }),
  'vote:reveal': empty,
  'vote:close': empty,
  'vote:sort': empty,
  'hidden:set': z.strictObject({ column: z.enum(COLUMNS), on: z.boolean() }),
  'hidden:reveal': z.strictObject({ column: z.enum(COLUMNS) }),
  'draft:add': z.strictObject({ card: CreateCardBody }),
  'draft:delete': z.strictObject({ id: z.string().min(1).max(64) }),
  'draft:list': empty,
  'time:sync': empty,
} as const;
export type CommandName = keyof typeof Commands;
export type CommandPayload<N extends CommandName> = z.input<(typeof Commands)[N]>;

/** What each command's ack carries on success. */
export interface CommandResults {
  'meeting:advance': MeetingState;
  'meeting:set-item': MeetingState;
  'meeting:next-item': MeetingState;
  'meeting:end': MeetingState;
  'meeting:handover': MeetingState;
  'meeting:co-facilitator': MeetingState;
  'meeting:claim': MeetingState;
  'timer:start': TimerState;
  'timer:pause': TimerState;
  'timer:extend': TimerState;
  'timer:reset': TimerState;
  'hand:raise': null;
  'hand:lower': null;
  'queue:next': { speakerId: string | null };
  /** Who has the floor now: the next raised hand, or nobody. */
  'queue:yield': { speakerId: string | null };
  'checkin:set': null;
  'vote:open': VoteRoundPublic;
  'vote:cast': MyVote;
  'vote:reveal': VoteRoundPublic;
  'vote:close': null;
  /** The challenges' ids in their new board order. */
  'vote:sort': { order: string[] };
  'hidden:set': null;
  'hidden:reveal': { revealed: number };
  'draft:add': Draft;
  'draft:delete': null;
  'draft:list': Draft[];
  'time:sync': { serverNow: number };
}

/** Who may send a command: the meeting's leaders, anyone who may edit, or anyone present. */
export const COMMAND_ACCESS: Record<CommandName, 'leader' | 'editor' | 'anyone'> = {
  'meeting:advance': 'leader',
  'meeting:set-item': 'leader',
  'meeting:next-item': 'leader',
  'meeting:end': 'leader',
  'meeting:handover': 'leader',
  'meeting:co-facilitator': 'leader',
  'meeting:claim': 'anyone', // checked against the token's role: only facilitator links may claim
  'timer:start': 'leader',
  'timer:pause': 'leader',
  'timer:extend': 'leader',
  'timer:reset': 'leader',
  'hand:raise': 'anyone',
  'hand:lower': 'anyone', // lowering someone else's hand is for leaders, checked in the handler
  'queue:next': 'leader',
  'queue:yield': 'anyone', // the speaker themself, or a leader: checked in the handler
  'checkin:set': 'editor',
  'vote:open': 'leader',
  'vote:cast': 'editor',
  'vote:reveal': 'leader',
  'vote:close': 'leader',
  'vote:sort': 'leader',
  'hidden:set': 'leader',
  'hidden:reveal': 'leader',
  'draft:add': 'editor',
  'draft:delete': 'editor',
  'draft:list': 'editor',
  'time:sync': 'anyone',
};

/** Commands still accepted once the meeting has ended (reading, not changing, the meeting). */
export const AFTER_END_COMMANDS: ReadonlySet<CommandName> = new Set(['time:sync', 'draft:list']);

export type MeetingClientEvents = {
  [N in CommandName]: (payload: CommandPayload<N>, ack: (res: Ack<CommandResults[N]>) => void) => void;
};

export interface MeetingServerEvents {
  /** Your seat, sent first on every join: keep it (with its key) and present it when you join again. */
  'meeting:seat': (seat: Seat) => void;
  'meeting:state': (state: MeetingState) => void;
  'meeting:announce': (a: Announcement) => void;
  /** The current item's time is up (a gentle signal; nothing stops). */
  'timer:expired': (e: { agendaId: string | null }) => void;
  /** Your own dots in the open round (private to you). */
  'vote:mine': (v: MyVote) => void;
}

// ---- shared rules ----------------------------------------------------------------------------------------

/** What the meeting still lacks before it may leave the lobby (empty = ready). Same rule on both sides. */
export function startGate(doc: Y.Doc): string[] {
  const missing: string[] = [];
  if (!readMeta(doc).purpose.trim()) missing.push('a stated purpose');
  if (!listCards(doc, 'agenda').some((c) => c.timebox !== null && c.timebox > 0)) missing.push('an agenda item with a timebox');
  return missing;
}

/** Remaining ms of a timer at server time `now`. */
export function timerRemaining(t: TimerState, now: number): number {
  return t.status === 'running' && t.endsAt !== null ? Math.max(0, t.endsAt - now) : t.remainingMs;
}

/** How far an expired timer has run over at server time `now`, ms (0 when it is not over, or not known since when). */
export function timerOvertime(t: TimerState, now: number): number {
  return t.status === 'expired' && t.expiredAt != null ? Math.max(0, now - t.expiredAt) : 0;
}

export const idleTimer = (agendaId: string | null, minutes: number | null): TimerState => {
  const ms = (minutes ?? 0) * 60_000;
  return { agendaId, status: 'idle', durationMs: ms, endsAt: null, remainingMs: ms, expiredAt: null };
};

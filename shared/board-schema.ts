/**
 * The board's Yjs document: root names, card fields, and typed accessors.
 *
 * This file is the contract between the browser, the server, the REST API and any third-party client or
 * bot (see docs/board-schema.md). Every read goes through `read*` functions that tolerate missing or
 * mistyped fields (a document is shared and may have been written by an older or foreign client), and every
 * write goes through the functions below so that invariants hold:
 * - a card lives in the `cards` map under its own id; its `column` says where it is shown and its `order`
 *   (a fractional index) where in that column. Moving a card changes two scalars, so a concurrent edit of its
 *   text is never lost to a move.
 * - text that people type together is a `Y.Text`; everything else is a plain value (last writer wins).
 */
import * as Y from 'yjs';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { randomId } from './ids.js';

export const SCHEMA_VERSION = 1;

/** Names of the document's top-level shared types. */
export const Root = { meta: 'meta', cards: 'cards' } as const;

export const COLUMNS = ['agenda', 'needs', 'challenges'] as const;
export type ColumnId = (typeof COLUMNS)[number];
export const isColumn = (v: unknown): v is ColumnId => typeof v === 'string' && (COLUMNS as readonly string[]).includes(v);

export const NEED_STATUSES = ['open', 'accepted', 'declined', 'done'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];
export const CHALLENGE_STATUSES = ['open', 'moving', 'resolved'] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];
/**
 * What a card may be tagged as, so a series collects it (team memory): a win, a loss, a question answered
 * for everyone (FAQ), an idea for another team.
 */
export const CARD_TAGS = ['win', 'loss', 'faq', 'idea'] as const;
export type CardTag = (typeof CARD_TAGS)[number];

/** Collaborative (Y.Text) fields per column. */
export const TEXT_FIELDS = {
  agenda: ['title', 'notes'],
  needs: ['what'],
  challenges: ['problem'],
} as const satisfies Record<ColumnId, readonly string[]>;
export type TextField<C extends ColumnId = ColumnId> = (typeof TEXT_FIELDS)[C][number];

/** Field limits, shared by the REST validation and the client's inputs. */
export const LIMITS = {
  title: 200,
  purpose: 1000,
  name: 80,
  shortText: 500,
  longText: 10_000,
  timeboxMinutes: 600,
} as const;

/** Latest time a document may carry (ms since the epoch): the last moment of year 9999. */
export const MAX_TIME = 253_402_300_799_999;

/**
 * Bounds of everything a board document may hold, whatever client writes it. The server refuses an update
 * that would break one (server/sync/update-guard.ts), so every board it stores can be read, restored and
 * exported; readers still tolerate anything (`read*` below), for documents stored before these bounds.
 */
export const DOC_BOUNDS = {
  /** Collaborative text (Y.Text) by its key, in UTF-16 code units; any other Y.Text gets `otherText`. */
  text: { title: LIMITS.shortText, notes: LIMITS.longText, what: LIMITS.longText, problem: LIMITS.longText, text: LIMITS.longText } as Readonly<
    Record<string, number>
  >,
  otherText: LIMITS.longText,
  /** Plain string values by their key; any other string gets `otherString`. */
  string: {
    title: LIMITS.title,
    purpose: LIMITS.purpose,
    owner: LIMITS.name,
    asker: LIMITS.name,
    addressee: LIMITS.name,
    createdBy: LIMITS.name,
    decidedBy: LIMITS.name,
    author: LIMITS.name,
    owners: LIMITS.shortText,
    id: 64,
    column: 32,
    status: 32,
    order: 1024,
    byWhen: 100,
    due: 100,
    meetingDate: 32,
    meetingStart: 32,
    timezone: 64,
    seriesId: 64,
    currentAgendaId: 64,
    carriedFrom: 64,
    askId: 64,
    team: LIMITS.title,
    declineReason: LIMITS.shortText,
    answeredBy: LIMITS.name,
    escalatedTo: LIMITS.title,
    escalatedFrom: LIMITS.title,
  } as Readonly<Record<string, number>>,
  otherString: LIMITS.longText,
  /** Numbers by their key, [min, max]; any other number must be finite. */
  number: {
    createdAt: [0, MAX_TIME],
    timebox: [0, LIMITS.timeboxMinutes],
    schemaVersion: [0, 1000],
    seq: [0, 1_000_000],
    flagAfter: [0, 1000],
    answeredAt: [0, MAX_TIME],
  } as Readonly<Record<string, readonly [number, number]>>,
  /** Nesting of shared types: cards → card → decisions → decision → text is 5 deep. */
  typeDepth: 8,
  /** Nesting of arrays and objects inside one plain value. */
  valueDepth: 8,
  /** Top-level shared types a document may have: `meta` and `cards`, and a few of a foreign client's own. */
  maxRoots: 16,
} as const;

// ---- plain (JSON) views --------------------------------------------------------------------------------

export interface BoardMeta {
  title: string;
  purpose: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Id of the agenda item the meeting is on, or null. */
  currentAgendaId: string | null;
  schemaVersion: number;
  /**
   * The meeting's day, `YYYY-MM-DD`: meta `meetingDate` when set to a real date, else the UTC day of
   * `createdAt`. Relative dates in decisions ("by Friday") count from it.
   */
  meetingDate: string;
  /** The start as `HH:MM` — in the series' time zone, or local time on a board outside a series — or '' when none is set. */
  meetingStart: string;
  /** The series' IANA time zone ('' for a board made before series). */
  timezone: string;
  /** The series the board is a meeting of, and which meeting (1, 2, …); null on a board outside any series. */
  seriesId: string | null;
  seq: number | null;
  /** A challenge open for this many meetings is flagged; 0 = never. */
  flagAfter: number;
}

interface CardBase {
  id: string;
  order: string;
  createdAt: number;
  createdBy: string;
  /** Decisions recorded on the card, oldest first (every column has them). */
  decisions: Decision[];
  /**
   * For a card carried over from an earlier meeting of the series: the id of the card it started as (the
   * same through every carry), else ''. Action items of a carried request keep that id.
   */
  carriedFrom: string;
  /** Team-memory tags (win, loss, faq, idea). */
  tags: CardTag[];
}

/**
 * A decision recorded on a card. `owners` and `due` are explicit overrides; when empty, owner and due date
 * are read from the text (`parseDecision` in shared/decisions.ts, the same on client and server).
 */
export interface Decision {
  id: string;
  text: string;
  /** Comma-separated names that override what the text says; '' = take the owners from the text. */
  owners: string;
  /** `YYYY-MM-DD` that overrides the text's date; '' = take the due date from the text. */
  due: string;
  /** Display name of who recorded it. */
  decidedBy: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** What a caller gives to record a decision. */
export interface NewDecision {
  text: string;
  owners?: string;
  due?: string;
  decidedBy: string;
}

/** Scalar decision fields that may be changed after creation (the text is a Y.Text: use `decisionText`). */
export interface DecisionPatch {
  owners?: string;
  due?: string;
}
export interface AgendaCard extends CardBase {
  column: 'agenda';
  title: string;
  owner: string;
  /** Minutes, or null when no timebox is set. */
  timebox: number | null;
  notes: string;
  done: boolean;
  /** Carried into the series' next meeting. */
  pinned: boolean;
}
export interface NeedCard extends CardBase {
  column: 'needs';
  asker: string;
  addressee: string;
  what: string;
  /** `YYYY-MM-DD`, or '' when there is no deadline. */
  byWhen: string;
  status: NeedStatus;
  /** Why the addressee declined ('' when not declined or not said). */
  declineReason: string;
  /** Who last answered it (accepted, declined, done, reopened) and when (ms since the epoch); '' and null before. */
  answeredBy: string;
  answeredAt: number | null;
  /** A request between series (server/series): the ask's id, and the other team's name. '' for a local request. */
  askId: string;
  team: string;
}
export interface Proposal {
  id: string;
  text: string;
  author: string;
  createdAt: number;
  /** Set on a proposal the server copied from an earlier meeting (so that meeting's history does not count it again). */
  carried?: true;
}
/** What moved on a challenge in one meeting of its series; the server appends one when it carries the card on. */
export interface ChallengeStep {
  /** The meeting (its number in the series) and its day. */
  seq: number;
  date: string;
  /** Proposals added and decisions recorded in that meeting (their texts). */
  proposals: string[];
  decisions: string[];
  /** Dots the card got in that meeting's votes. */
  dots: number;
  from: ChallengeStatus;
  to: ChallengeStatus;
}
export interface ChallengeCard extends CardBase {
  column: 'challenges';
  problem: string;
  status: ChallengeStatus;
  proposals: Proposal[];
  /** Earlier meetings' steps, oldest first: the card has been open for `history.length + 1` meetings. */
  history: ChallengeStep[];
  /** The series it was escalated to ('' when not), or came from. */
  escalatedTo: string;
  escalatedFrom: string;
}
export type Card = AgendaCard | NeedCard | ChallengeCard;
export type CardOf<C extends ColumnId> = Extract<Card, { column: C }>;

export interface BoardView {
  meta: BoardMeta;
  columns: { agenda: AgendaCard[]; needs: NeedCard[]; challenges: ChallengeCard[] };
}

/** What a caller gives to create a card; text fields are plain strings here. */
interface NewCardBase {
  carriedFrom?: string;
  tags?: CardTag[];
}
export type NewCard = NewCardBase &
  (
    | { column: 'agenda'; title: string; owner?: string; timebox?: number | null; notes?: string; done?: boolean; pinned?: boolean }
    | {
        column: 'needs';
        asker: string;
        addressee: string;
        what: string;
        byWhen?: string;
        status?: NeedStatus;
        declineReason?: string;
        askId?: string;
        team?: string;
      }
    | {
        column: 'challenges';
        problem: string;
        status?: ChallengeStatus;
        /** Texts, or whole proposals (a carried card keeps their authors and times). */
        proposals?: Array<string | Pick<Proposal, 'text' | 'author' | 'createdAt' | 'carried'>>;
        history?: ChallengeStep[];
        escalatedFrom?: string;
      }
  );

/** Scalar (last-writer-wins) fields that may be patched after creation, per column. */
export type CardPatch = { tags?: CardTag[] } & (
  | { owner?: string; timebox?: number | null; done?: boolean; pinned?: boolean }
  | { asker?: string; addressee?: string; byWhen?: string; status?: NeedStatus; declineReason?: string }
  | { status?: ChallengeStatus; escalatedTo?: string }
);

export type CardMap = Y.Map<unknown>;

// ---- roots ----------------------------------------------------------------------------------------------

export const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(Root.meta);
export const cardsMap = (doc: Y.Doc): Y.Map<CardMap> => doc.getMap<CardMap>(Root.cards);

/** Writes the initial meta of a new board. Call once, on the server, when the board is created. */
export function initBoard(doc: Y.Doc, meta: { title: string; purpose?: string; createdAt?: number }, origin?: unknown): void {
  doc.transact(() => {
    const m = metaMap(doc);
    m.set('title', meta.title);
    m.set('purpose', meta.purpose ?? '');
    m.set('createdAt', meta.createdAt ?? Date.now());
    m.set('currentAgendaId', null);
    m.set('schemaVersion', SCHEMA_VERSION);
  }, origin);
}

// ---- reading ----------------------------------------------------------------------------------------------

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
/** A time (ms since the epoch) any date function can take; anything else reads as 0. */
const time = (v: unknown): number => (typeof v === 'number' && v >= 0 && v <= MAX_TIME ? v : 0);
const text = (v: unknown): string => (v instanceof Y.Text ? v.toString() : typeof v === 'string' ? v : '');
const oneOf = <T extends string>(v: unknown, allowed: readonly T[], fallback: T): T =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;

export function readMeta(doc: Y.Doc): BoardMeta {
  const m = metaMap(doc);
  const current = m.get('currentAgendaId');
  return {
    title: str(m.get('title'), 'Untitled board'),
    purpose: str(m.get('purpose')),
    createdAt: time(m.get('createdAt')),
    currentAgendaId: typeof current === 'string' ? current : null,
    schemaVersion: num(m.get('schemaVersion'), SCHEMA_VERSION),
    meetingDate: meetingDate(doc),
    meetingStart: isClockTime(m.get('meetingStart')) ? (m.get('meetingStart') as string) : '',
    timezone: str(m.get('timezone')),
    seriesId: typeof m.get('seriesId') === 'string' ? (m.get('seriesId') as string) : null,
    seq: typeof m.get('seq') === 'number' ? time(m.get('seq')) : null,
    flagAfter: num(m.get('flagAfter')),
  };
}

/** True for `HH:MM` on a 24-hour clock. */
export const isClockTime = (s: unknown): s is string => typeof s === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(s);

/** Sets the scheduled start (`HH:MM`, or '' to clear). */
export function setMeetingStart(doc: Y.Doc, start: string, origin?: unknown): void {
  if (start !== '' && !isClockTime(start)) throw new RangeError(`not an HH:MM time: ${start}`);
  doc.transact(() => {
    const m = metaMap(doc);
    if (start === '') m.delete('meetingStart');
    else if (m.get('meetingStart') !== start) m.set('meetingStart', start);
  }, origin);
}

/** Marks the board as meeting `seq` of a series (written by the server when it opens the meeting). */
export function setSeriesMeta(doc: Y.Doc, meta: { seriesId: string; seq: number; timezone: string; flagAfter: number }, origin?: unknown): void {
  doc.transact(() => {
    const m = metaMap(doc);
    m.set('seriesId', meta.seriesId);
    m.set('seq', meta.seq);
    m.set('timezone', meta.timezone);
    m.set('flagAfter', meta.flagAfter);
  }, origin);
}

/** True for a `YYYY-MM-DD` that names a day on the calendar (no 31 February). */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The meeting's day (`YYYY-MM-DD`): meta `meetingDate` if it is a real date, else the UTC day of `createdAt`. */
export function meetingDate(doc: Y.Doc): string {
  const m = metaMap(doc);
  const set = m.get('meetingDate');
  if (isIsoDate(set)) return set;
  return new Date(time(m.get('createdAt'))).toISOString().slice(0, 10);
}

/** Sets the meeting's day (`YYYY-MM-DD`), or clears it with '' (the day of `createdAt` applies again). */
export function setMeetingDate(doc: Y.Doc, date: string, origin?: unknown): void {
  if (date !== '' && !isIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  doc.transact(() => {
    const m = metaMap(doc);
    if (date === '') m.delete('meetingDate');
    else if (m.get('meetingDate') !== date) m.set('meetingDate', date);
  }, origin);
}

/** Reads one card; null when the entry is not a card this schema understands (it is then not shown). */
export function readCard(card: unknown): Card | null {
  if (!(card instanceof Y.Map)) return null;
  const column = card.get('column');
  const id = card.get('id');
  if (!isColumn(column) || typeof id !== 'string') return null;
  const decisions = card.get('decisions');
  const base = {
    id,
    order: str(card.get('order'), 'a0'),
    createdAt: time(card.get('createdAt')),
    createdBy: str(card.get('createdBy')),
    decisions: decisions instanceof Y.Array ? decisions.toArray().flatMap((d) => readDecision(d) ?? []) : [],
    carriedFrom: str(card.get('carriedFrom')),
    tags: readTags(card.get('tags')),
  };
  switch (column) {
    case 'agenda': {
      const timebox = card.get('timebox');
      return {
        ...base,
        column,
        title: text(card.get('title')),
        owner: str(card.get('owner')),
        timebox: typeof timebox === 'number' && Number.isFinite(timebox) ? timebox : null,
        notes: text(card.get('notes')),
        done: card.get('done') === true,
        pinned: card.get('pinned') === true,
      };
    }
    case 'needs':
      return {
        ...base,
        column,
        asker: str(card.get('asker')),
        addressee: str(card.get('addressee')),
        what: text(card.get('what')),
        byWhen: str(card.get('byWhen')),
        status: oneOf(card.get('status'), NEED_STATUSES, 'open'),
        declineReason: str(card.get('declineReason')),
        answeredBy: str(card.get('answeredBy')),
        answeredAt: typeof card.get('answeredAt') === 'number' ? time(card.get('answeredAt')) : null,
        askId: str(card.get('askId')),
        team: str(card.get('team')),
      };
    case 'challenges': {
      const proposals = card.get('proposals');
      return {
        ...base,
        column,
        problem: text(card.get('problem')),
        status: oneOf(card.get('status'), CHALLENGE_STATUSES, 'open'),
        proposals: proposals instanceof Y.Array ? proposals.toArray().flatMap((p) => readProposal(p) ?? []) : [],
        history: readHistory(card.get('history')),
        escalatedTo: str(card.get('escalatedTo')),
        escalatedFrom: str(card.get('escalatedFrom')),
      };
    }
  }
}

function readTags(v: unknown): CardTag[] {
  if (!Array.isArray(v)) return [];
  return CARD_TAGS.filter((t) => v.includes(t));
}

/** A challenge's history is a plain array the server writes; anything malformed in it is left out. */
function readHistory(v: unknown): ChallengeStep[] {
  if (!Array.isArray(v)) return [];
  const strings = (a: unknown): string[] => (Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : []);
  return v.flatMap((e): ChallengeStep[] => {
    if (!e || typeof e !== 'object') return [];
    const o = e as Record<string, unknown>;
    return [
      {
        seq: num(o.seq),
        date: isIsoDate(o.date) ? o.date : '',
        proposals: strings(o.proposals),
        decisions: strings(o.decisions),
        dots: num(o.dots),
        from: oneOf(o.from, CHALLENGE_STATUSES, 'open'),
        to: oneOf(o.to, CHALLENGE_STATUSES, 'open'),
      },
    ];
  });
}

function readProposal(p: unknown): Proposal | null {
  if (!(p instanceof Y.Map) || typeof p.get('id') !== 'string') return null;
  const out: Proposal = { id: p.get('id') as string, text: text(p.get('text')), author: str(p.get('author')), createdAt: time(p.get('createdAt')) };
  if (p.get('carried') === true) out.carried = true;
  return out;
}

/** Reads one decision; null when the entry is not a decision (it is then not shown). */
export function readDecision(d: unknown): Decision | null {
  if (!(d instanceof Y.Map) || typeof d.get('id') !== 'string') return null;
  return {
    id: d.get('id') as string,
    text: text(d.get('text')),
    owners: str(d.get('owners')),
    due: str(d.get('due')),
    decidedBy: str(d.get('decidedBy')),
    createdAt: time(d.get('createdAt')),
  };
}

/**
 * Every name the board knows: agenda owners, needs' askers and addressees, proposal authors, card creators
 * and decision authors (deduplicated case-insensitively, first spelling kept; `API` and '' left out). The
 * decision parser recognises these as owners.
 */
export function knownNames(doc: Y.Doc): string[] {
  const seen = new Map<string, string>();
  for (const entry of cardsMap(doc).values()) {
    const card = readCard(entry);
    if (card) for (const n of cardNames(card)) addName(seen, n);
  }
  return [...seen.values()];
}

/** The names one card contributes to `knownNames`. */
export function cardNames(card: Card): string[] {
  const out = [card.createdBy, ...card.decisions.map((d) => d.decidedBy)];
  if (card.column === 'agenda') out.push(card.owner);
  else if (card.column === 'needs') out.push(card.asker, card.addressee);
  else out.push(...card.proposals.map((p) => p.author));
  return out.map((n) => n.trim()).filter((n) => n !== '' && n !== 'API');
}

function addName(seen: Map<string, string>, name: string): void {
  const key = name.toLowerCase();
  if (!seen.has(key)) seen.set(key, name);
}

interface CardKey {
  id: string;
  order: string;
}

const byOrder = (a: CardKey, b: CardKey): number => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** How cards sort within a column (order key, then id): what `readBoard` and `listCards` use. */
export const compareCards: (a: CardKey, b: CardKey) => number = byOrder;

/** Where `card` goes in `list`, sorted by `compareCards`: the first index whose card sorts at or after it. */
export function insertionIndex(list: readonly CardKey[], card: CardKey): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byOrder(list[mid], card) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Ids of the cards that one transaction's `cardsMap(doc).observeDeep` events touch: added, removed, or
 * changed anywhere inside (a field, a text, a decision, a proposal). What a reader that keeps the board
 * up to date card by card re-reads, instead of the whole board.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its events by the base type
export function changedCardIds(events: ReadonlyArray<Y.YEvent<any>>, cards: Y.Map<CardMap>): Set<string> {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.target === cards) for (const key of (e as Y.YMapEvent<unknown>).keysChanged) ids.add(key as string);
    else {
      const key = e.path[0];
      if (typeof key === 'string') ids.add(key);
    }
  }
  return ids;
}

/** The cards of one column, in display order (order key, then id for the rare tie of concurrent inserts). */
export function listCards<C extends ColumnId>(doc: Y.Doc, column: C): CardOf<C>[] {
  const out: Card[] = [];
  for (const entry of cardsMap(doc).values()) {
    const card = readCard(entry);
    if (card && card.column === column) out.push(card);
  }
  return (out as CardOf<C>[]).sort(byOrder);
}

export function readBoard(doc: Y.Doc): BoardView {
  const columns = { agenda: [] as AgendaCard[], needs: [] as NeedCard[], challenges: [] as ChallengeCard[] };
  for (const entry of cardsMap(doc).values()) {
    const card = readCard(entry);
    if (card) (columns[card.column] as Card[]).push(card);
  }
  for (const c of COLUMNS) columns[c].sort(byOrder);
  return { meta: readMeta(doc), columns };
}

export const getCard = (doc: Y.Doc, id: string): CardMap | undefined => {
  const c = cardsMap(doc).get(id);
  return c instanceof Y.Map ? c : undefined;
};

/** The Y.Text behind a collaborative field, for editors to bind to. */
export function cardText(doc: Y.Doc, id: string, field: string): Y.Text | undefined {
  const t = getCard(doc, id)?.get(field);
  return t instanceof Y.Text ? t : undefined;
}

/** The Y.Text of a decision, for editors to bind to. */
export function decisionText(doc: Y.Doc, cardId: string, decisionId: string): Y.Text | undefined {
  const t = decisionMap(doc, cardId, decisionId)?.get('text');
  return t instanceof Y.Text ? t : undefined;
}

export function proposalText(doc: Y.Doc, cardId: string, proposalId: string): Y.Text | undefined {
  const p = proposalMap(doc, cardId, proposalId)?.get('text');
  return p instanceof Y.Text ? p : undefined;
}

// ---- writing ----------------------------------------------------------------------------------------------

/**
 * Order key for a card placed at `index` of `column` (0 = top; past the end = bottom), ignoring `movingId`.
 * Call inside a transaction: when concurrent inserts left equal keys at that spot, the tied cards after it
 * are given fresh keys to make room.
 */
export function orderAt(doc: Y.Doc, column: ColumnId, index: number, movingId?: string): string {
  const placed = columnKeys(doc, column, movingId);
  // At the end (adding a card, the common case) only the last key matters: one pass, no sort.
  if (index >= placed.length) return generateKeyBetween(lastKey(placed), null);
  const siblings = placed.sort(byOrder);
  const i = Math.max(0, index);
  const before = i > 0 ? siblings[i - 1].order : null;
  const after = i < siblings.length ? siblings[i].order : null;
  if (before === null || after === null || before < after) return generateKeyBetween(before, after);
  let j = i;
  while (j < siblings.length && siblings[j].order <= before) j++;
  const keys = generateNKeysBetween(before, j < siblings.length ? siblings[j].order : null, j - i + 1);
  for (let k = i; k < j; k++) getCard(doc, siblings[k].id)?.set('order', keys[k - i + 1]);
  return keys[0];
}

/**
 * Id and order key of each card of a column, unsorted: what placing a card needs, without reading whole
 * cards (texts, decisions), which made adding a card to a board of thousands cost a full read of the board.
 */
function columnKeys(doc: Y.Doc, column: ColumnId, except?: string): CardKey[] {
  const out: CardKey[] = [];
  for (const entry of cardsMap(doc).values()) {
    if (!(entry instanceof Y.Map) || entry.get('column') !== column) continue;
    const id = entry.get('id');
    if (typeof id !== 'string' || id === except) continue;
    out.push({ id, order: str(entry.get('order'), 'a0') });
  }
  return out;
}

function lastKey(keys: CardKey[]): string | null {
  let last: CardKey | null = null;
  for (const k of keys) if (!last || byOrder(k, last) > 0) last = k;
  return last?.order ?? null;
}

const newText = (s: string | undefined): Y.Text => new Y.Text(s ?? '');

/**
 * Adds a card at the end of its column (or at `index`) and returns its id.
 * `createdBy` is the display name of whoever adds it.
 */
export function createCard(doc: Y.Doc, input: NewCard, opts: { createdBy?: string; index?: number; id?: string; origin?: unknown; now?: number } = {}): string {
  const id = opts.id ?? randomId(12);
  doc.transact(() => insertCard(doc, id, input, orderAt(doc, input.column, opts.index ?? Number.MAX_SAFE_INTEGER), opts), opts.origin);
  return id;
}

/**
 * Adds cards at the end of their columns, in the given order, in one transaction, and returns their ids.
 * Each column's last key is looked up once, so adding n cards costs one pass over the board, not n.
 */
export function createCards(doc: Y.Doc, inputs: readonly NewCard[], opts: { createdBy?: string; origin?: unknown; now?: number } = {}): string[] {
  const ids: string[] = [];
  doc.transact(() => {
    for (const column of COLUMNS) {
      const mine = inputs.filter((c) => c.column === column);
      if (mine.length === 0) continue;
      const keys = generateNKeysBetween(lastKey(columnKeys(doc, column)), null, mine.length);
      mine.forEach((input, i) => ids.push(insertCard(doc, randomId(12), input, keys[i], opts)));
    }
  }, opts.origin);
  return ids;
}

function insertCard(doc: Y.Doc, id: string, input: NewCard, order: string, opts: { createdBy?: string; now?: number }): string {
  const card = new Y.Map<unknown>();
  card.set('id', id);
  card.set('column', input.column);
  card.set('order', order);
  card.set('createdAt', opts.now ?? Date.now());
  card.set('createdBy', opts.createdBy ?? '');
  card.set('decisions', new Y.Array<Y.Map<unknown>>());
  if (input.carriedFrom) card.set('carriedFrom', input.carriedFrom);
  if (input.tags?.length) card.set('tags', [...input.tags]);
  switch (input.column) {
    case 'agenda':
      card.set('title', newText(input.title));
      card.set('owner', input.owner ?? '');
      card.set('timebox', input.timebox ?? null);
      card.set('notes', newText(input.notes));
      card.set('done', input.done ?? false);
      if (input.pinned) card.set('pinned', true);
      break;
    case 'needs':
      card.set('asker', input.asker);
      card.set('addressee', input.addressee);
      card.set('what', newText(input.what));
      card.set('byWhen', input.byWhen ?? '');
      card.set('status', input.status ?? 'open');
      if (input.declineReason) card.set('declineReason', input.declineReason);
      if (input.askId) card.set('askId', input.askId);
      if (input.team) card.set('team', input.team);
      break;
    case 'challenges': {
      card.set('problem', newText(input.problem));
      card.set('status', input.status ?? 'open');
      const proposals = new Y.Array<Y.Map<unknown>>();
      card.set('proposals', proposals);
      for (const p of input.proposals ?? [])
        proposals.push([typeof p === 'string' ? makeProposal(p, opts.createdBy ?? '', opts.now) : makeProposal(p.text, p.author, p.createdAt, p.carried)]);
      if (input.history?.length)
        card.set(
          'history',
          input.history.map((h) => ({ ...h, proposals: [...h.proposals], decisions: [...h.decisions] })),
        );
      if (input.escalatedFrom) card.set('escalatedFrom', input.escalatedFrom);
      break;
    }
  }
  cardsMap(doc).set(id, card);
  return id;
}

/** Sets scalar fields of a card. Unknown or wrong-column fields are ignored. Returns false if no such card. */
export function updateCard(doc: Y.Doc, id: string, patch: CardPatch, origin?: unknown): boolean {
  const card = getCard(doc, id);
  const current = card && readCard(card);
  if (!card || !current) return false;
  const allowed: Record<ColumnId, readonly string[]> = {
    agenda: ['owner', 'timebox', 'done', 'pinned', 'tags'],
    needs: ['asker', 'addressee', 'byWhen', 'status', 'declineReason', 'tags'],
    challenges: ['status', 'escalatedTo', 'tags'],
  };
  doc.transact(() => {
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || !allowed[current.column].includes(k)) continue;
      if (k === 'tags') {
        const tags = readTags(v);
        if (JSON.stringify(tags) !== JSON.stringify(readTags(card.get('tags')))) card.set('tags', tags);
      } else if (card.get(k) !== v) card.set(k, v);
    }
  }, origin);
  return true;
}

/**
 * Marks a request as sent to another series (`askId`, and that team's name). Only the server writes these:
 * they tie the card to a record of the server's (server/series/asks.ts). False when it is no request.
 */
export function markAsked(doc: Y.Doc, id: string, ask: { askId: string; team: string }, origin?: unknown): boolean {
  const card = getCard(doc, id);
  if (!card || readCard(card)?.column !== 'needs') return false;
  doc.transact(() => {
    card.set('askId', ask.askId);
    card.set('team', ask.team);
  }, origin);
  return true;
}

/**
 * The fields of a request that are its addressee's answer. Over the sync socket only a facilitator may change
 * them on an existing card (server/sync/update-guard.ts); everyone else answers through `need:answer`, where
 * the server knows who is asking (shared/need-answers.ts).
 */
export const NEED_ANSWER_FIELDS = ['status', 'declineReason', 'answeredBy', 'answeredAt'] as const;

/** An answer to a request: its new status, why when declined, and who gave it when. */
export interface NeedAnswer {
  status: NeedStatus;
  /** Kept only with `declined`; any other answer clears it. */
  reason?: string;
  by: string;
  at: number;
}

/** Writes an answer onto a request. False when there is no such card or it is no request. */
export function answerNeed(doc: Y.Doc, id: string, answer: NeedAnswer, origin?: unknown): boolean {
  const card = getCard(doc, id);
  if (!card || readCard(card)?.column !== 'needs') return false;
  const reason = answer.status === 'declined' ? (answer.reason ?? '').trim() : '';
  doc.transact(() => {
    if (card.get('status') !== answer.status) card.set('status', answer.status);
    if (str(card.get('declineReason')) !== reason) card.set('declineReason', reason);
    card.set('answeredBy', answer.by);
    card.set('answeredAt', answer.at);
  }, origin);
  return true;
}

/**
 * Moves a card to `index` within its column. Cards do not change columns: their fields are column-specific.
 */
export function moveCard(doc: Y.Doc, id: string, index: number, origin?: unknown): boolean {
  const card = getCard(doc, id);
  const current = card && readCard(card);
  if (!card || !current) return false;
  doc.transact(() => card.set('order', orderAt(doc, current.column, index, id)), origin);
  return true;
}

/**
 * Puts the cards of `column` in the order of `ids` (ids of other columns or of no card are skipped; cards not
 * named follow, in their order), in one transaction; nothing is written when they are in that order already.
 */
export function reorderColumn(doc: Y.Doc, column: ColumnId, ids: readonly string[], origin?: unknown): void {
  const placed = columnKeys(doc, column).sort(byOrder);
  const inColumn = new Set(placed.map((k) => k.id));
  const named = new Set(ids.filter((id) => inColumn.has(id)));
  const wanted = [...named, ...placed.map((k) => k.id).filter((id) => !named.has(id))];
  if (wanted.every((id, i) => placed[i].id === id && (i === 0 || placed[i - 1].order < placed[i].order))) return;
  const keys = generateNKeysBetween(null, null, wanted.length);
  doc.transact(() => wanted.forEach((id, i) => getCard(doc, id)?.set('order', keys[i])), origin);
}

export function deleteCard(doc: Y.Doc, id: string, origin?: unknown): boolean {
  const cards = cardsMap(doc);
  if (!cards.has(id)) return false;
  doc.transact(() => {
    cards.delete(id);
    if (metaMap(doc).get('currentAgendaId') === id) metaMap(doc).set('currentAgendaId', null);
  }, origin);
  return true;
}

export function setMeta(doc: Y.Doc, patch: { title?: string; purpose?: string }, origin?: unknown): void {
  doc.transact(() => {
    const m = metaMap(doc);
    if (patch.title !== undefined && m.get('title') !== patch.title) m.set('title', patch.title);
    if (patch.purpose !== undefined && m.get('purpose') !== patch.purpose) m.set('purpose', patch.purpose);
  }, origin);
}

/** Marks an agenda item as the one the meeting is on (null clears it). */
export function setCurrentAgenda(doc: Y.Doc, id: string | null, origin?: unknown): void {
  doc.transact(() => metaMap(doc).set('currentAgendaId', id), origin);
}

function makeProposal(textValue: string, author: string, now?: number, carried?: true): Y.Map<unknown> {
  const p = new Y.Map<unknown>();
  if (carried) p.set('carried', true);
  p.set('id', randomId(10));
  p.set('text', newText(textValue));
  p.set('author', author);
  p.set('createdAt', now ?? Date.now());
  return p;
}

function proposalsArray(doc: Y.Doc, cardId: string): Y.Array<Y.Map<unknown>> | undefined {
  const a = getCard(doc, cardId)?.get('proposals');
  return a instanceof Y.Array ? (a as Y.Array<Y.Map<unknown>>) : undefined;
}

function proposalMap(doc: Y.Doc, cardId: string, proposalId: string): Y.Map<unknown> | undefined {
  return proposalsArray(doc, cardId)
    ?.toArray()
    .find((p) => p instanceof Y.Map && p.get('id') === proposalId);
}

/** Adds a proposal under a challenge; returns its id, or null when the card is not a challenge. */
export function addProposal(doc: Y.Doc, cardId: string, textValue: string, author: string, origin?: unknown): string | null {
  const arr = proposalsArray(doc, cardId);
  if (!arr) return null;
  const p = makeProposal(textValue, author);
  doc.transact(() => arr.push([p]), origin);
  return p.get('id') as string;
}

export function deleteProposal(doc: Y.Doc, cardId: string, proposalId: string, origin?: unknown): boolean {
  const arr = proposalsArray(doc, cardId);
  const i = arr?.toArray().findIndex((p) => p instanceof Y.Map && p.get('id') === proposalId) ?? -1;
  if (!arr || i < 0) return false;
  doc.transact(() => arr.delete(i, 1), origin);
  return true;
}

/**
 * Turns `ytext` into `value` with the smallest single splice (common prefix and suffix kept), so that
 * a whole-field replacement from a plain input still merges with what others type elsewhere in the text.
 */
export function applyTextDiff(ytext: Y.Text, value: string, origin?: unknown): void {
  const old = ytext.toString();
  if (old === value) return;
  let start = 0;
  const max = Math.min(old.length, value.length);
  while (start < max && old.charCodeAt(start) === value.charCodeAt(start)) start++;
  let endOld = old.length;
  let endNew = value.length;
  while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === value.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  // Never split a surrogate pair: an emoji is edited whole or not at all.
  const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
  if (start > 0 && isHigh(old.charCodeAt(start - 1))) start--;
  if (endOld < old.length && isHigh(old.charCodeAt(endOld - 1)) && endOld > start) {
    endOld++;
    endNew++;
  }
  const run = () => {
    if (endOld > start) ytext.delete(start, endOld - start);
    if (endNew > start) ytext.insert(start, value.slice(start, endNew));
  };
  if (ytext.doc) ytext.doc.transact(run, origin);
  else run();
}

// ---- decisions ----------------------------------------------------------------------------------------------

function decisionsArray(doc: Y.Doc, cardId: string): Y.Array<Y.Map<unknown>> | undefined {
  const a = getCard(doc, cardId)?.get('decisions');
  return a instanceof Y.Array ? (a as Y.Array<Y.Map<unknown>>) : undefined;
}

function decisionMap(doc: Y.Doc, cardId: string, decisionId: string): Y.Map<unknown> | undefined {
  return decisionsArray(doc, cardId)
    ?.toArray()
    .find((d) => d instanceof Y.Map && d.get('id') === decisionId);
}

/**
 * Records a decision on a card (any column) and returns its id, or null when there is no such card.
 * Cards made before decisions existed get their `decisions` array here; every card made by `createCard`
 * has one from the start, so two clients never race to create it.
 */
export function addDecision(doc: Y.Doc, cardId: string, input: NewDecision, origin?: unknown, opts: { id?: string; now?: number } = {}): string | null {
  const card = getCard(doc, cardId);
  if (!card || !readCard(card)) return null;
  const id = opts.id ?? randomId(12);
  doc.transact(() => {
    let arr = decisionsArray(doc, cardId);
    if (!arr) {
      arr = new Y.Array<Y.Map<unknown>>();
      card.set('decisions', arr);
    }
    const d = new Y.Map<unknown>();
    d.set('id', id);
    d.set('text', newText(input.text));
    d.set('owners', input.owners ?? '');
    d.set('due', input.due ?? '');
    d.set('decidedBy', input.decidedBy);
    d.set('createdAt', opts.now ?? Date.now());
    arr.push([d]);
  }, origin);
  return id;
}

/**
 * Changes a decision's explicit owners or due date (and its text, replaced with the smallest splice).
 * Returns false when there is no such decision.
 */
export function updateDecision(doc: Y.Doc, cardId: string, decisionId: string, patch: DecisionPatch & { text?: string }, origin?: unknown): boolean {
  const d = decisionMap(doc, cardId, decisionId);
  if (!d) return false;
  doc.transact(() => {
    if (patch.owners !== undefined && d.get('owners') !== patch.owners) d.set('owners', patch.owners);
    if (patch.due !== undefined && d.get('due') !== patch.due) d.set('due', patch.due);
    const t = d.get('text');
    if (patch.text !== undefined) {
      if (t instanceof Y.Text) applyTextDiff(t, patch.text);
      else d.set('text', newText(patch.text));
    }
  }, origin);
  return true;
}

export function deleteDecision(doc: Y.Doc, cardId: string, decisionId: string, origin?: unknown): boolean {
  const arr = decisionsArray(doc, cardId);
  const i = arr?.toArray().findIndex((d) => d instanceof Y.Map && d.get('id') === decisionId) ?? -1;
  if (!arr || i < 0) return false;
  doc.transact(() => arr.delete(i, 1), origin);
  return true;
}

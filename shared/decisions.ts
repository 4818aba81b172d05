/**
 * Decisions → owners and due dates, and the action items a board's document implies.
 *
 * Pure (no I/O, no clock): the browser previews exactly what the server stores. Natural-language dates are
 * read by chrono-node relative to the meeting's day, never the wall clock, so the same text on the same
 * board always means the same day.
 */
import * as chrono from 'chrono-node';
import type * as Y from 'yjs';
import { cardsMap, isIsoDate, meetingDate, readCard, knownNames, type Card, type ColumnId, type Decision } from './board-schema.js';

// ---- parsing one decision --------------------------------------------------------------------------------

/** Why a due date could not be taken at face value. The text as typed is always kept beside it. */
export const DUE_FLAGS = ['unparseable', 'past'] as const;
export type DueFlag = (typeof DUE_FLAGS)[number];

export interface ParsedDecision {
  /** The decision's text without a leading `Decision:` (or `Decided:`, `Agreed:`, `Action:`). */
  text: string;
  /** Who owns it, in the order they appear; [] = unassigned (never dropped). */
  owners: string[];
  ownersFrom: 'explicit' | 'text' | 'none';
  /** `YYYY-MM-DD`, or null when there is none or it could not be read. */
  due: string | null;
  /** The date as typed (e.g. `by next Friday`), '' when the decision names none. */
  dueText: string;
  dueFrom: 'explicit' | 'text' | 'none';
  /** `unparseable`: a date was written but not understood; `past`: before the meeting's day. */
  dueFlag: DueFlag | null;
}

export interface ParseContext {
  /** The meeting's day, `YYYY-MM-DD`; relative dates count from it and dates before it are flagged. */
  meetingDate: string;
  /** Names the parser recognises as owners without an `@` (see `knownNames`). */
  participants?: readonly string[];
}

const PREFIX = /^\s*(?:decision|decided|agreed|action(?:\s+item)?)\s*[:：–—-]\s*/i;
/** `@name`, where a name is letters, digits, `.`, `_`, `-` or `'` (no spaces: use a participant's name for those). */
const MENTION = /(^|[^\p{L}\p{N}_.@])@([\p{L}\p{N}][\p{L}\p{N}_.'-]*)/gu;
/** Words that introduce a deadline; after them, text chrono cannot read is flagged rather than ignored. */
const DUE_CUE = /\b(?:due(?:\s+(?:by|on|date))?|deadline|by|before|until|no later than)\s*:?\s+/gi;
/** Things one does "by" that are not dates ("send it by email"). */
const NOT_A_DATE_AFTER_BY = /^(?:e-?mail|mail|post|phone|hand|vote|consensus|default|design|accident|slack|chat|courier|the way|then|now|far|all means|itself|themselves|himself|herself|myself|yourself|ourselves)\b/i;

/**
 * Reads owner(s) and due date from a decision's text; explicit `owners` (comma-separated) and `due`
 * (`YYYY-MM-DD`) override the text. Never guesses: a date it cannot read, or one before the meeting, is
 * kept as typed and flagged.
 */
export function parseDecision(input: { text: string; owners?: string; due?: string }, ctx: ParseContext): ParsedDecision {
  const text = input.text.replace(PREFIX, '').trim();
  const participants = (ctx.participants ?? []).map((n) => n.trim()).filter((n) => n.length > 0);

  const explicitOwners = splitOwners(input.owners ?? '', participants);
  const date = explicitDue(input.due ?? '', ctx) ?? dueFromText(text, ctx);
  // Names inside the date phrase ("by Sam's birthday") are not owners.
  const ownerText = date.span ? text.slice(0, date.span[0]) + ' '.repeat(date.span[1] - date.span[0]) + text.slice(date.span[1]) : text;
  const owners = explicitOwners.length > 0 ? explicitOwners : ownersFromText(ownerText, participants);
  return {
    text,
    owners,
    ownersFrom: explicitOwners.length > 0 ? 'explicit' : owners.length > 0 ? 'text' : 'none',
    due: date.due,
    dueText: date.dueText,
    dueFrom: date.from,
    dueFlag: date.flag,
  };
}

/** Splits an explicit owners field (`"Priya, @Sam"`), spelling known names as the board does. */
export function splitOwners(value: string, participants: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim().replace(/^@+/, '').trim();
    if (name) pushName(out, canonical(name, participants));
  }
  return out;
}

function canonical(name: string, participants: readonly string[]): string {
  return participants.find((p) => p.toLowerCase() === name.toLowerCase()) ?? name;
}

function pushName(list: string[], name: string): void {
  if (!list.some((n) => n.toLowerCase() === name.toLowerCase())) list.push(name);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Owners from the text: every `@mention` if there is one; otherwise known names, in order of appearance,
 * and only those before the first verb-ish gap when the text starts with a list of names ("Priya and Sam
 * to draft…" → both; "Priya to ask Sam…" → Priya).
 */
function ownersFromText(text: string, participants: readonly string[]): string[] {
  const mentions: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    const name = m[2].replace(/[.'-]+$/, '');
    // `@Priya` may also be the start of a known multi-word name ("@Mary Ann"): prefer the known spelling.
    const after = text.slice((m.index ?? 0) + m[1].length + 1);
    const known = [...participants].sort((a, b) => b.length - a.length).find((p) => after.toLowerCase().startsWith(p.toLowerCase()) && !/[\p{L}\p{N}]/u.test(after[p.length] ?? ''));
    pushName(mentions, known ?? canonical(name, participants));
  }
  if (mentions.length > 0) return mentions;

  const found: Array<{ name: string; index: number; end: number }> = [];
  // Longest names first, so "Mary Ann" wins over "Mary"; taken spans are blanked so they match once.
  let rest = text;
  for (const name of [...participants].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'giu');
    for (const m of rest.matchAll(re)) {
      const index = m.index ?? 0;
      found.push({ name, index, end: index + m[0].length });
      rest = rest.slice(0, index) + ' '.repeat(m[0].length) + rest.slice(index + m[0].length);
    }
  }
  if (found.length === 0) return [];
  found.sort((a, b) => a.index - b.index);
  // A leading list of names ("Priya, Sam and Lee will…") owns the decision; others are only mentioned.
  const leading: typeof found = [];
  let cursor = 0;
  for (const f of found) {
    const gap = text.slice(cursor, f.index);
    if (leading.length === 0 ? gap.trim() !== '' : !/^\s*(?:,|&|\+|\/|and|und|et|y)?\s*$/i.test(gap)) break;
    leading.push(f);
    cursor = f.end;
  }
  const out: string[] = [];
  for (const f of leading.length > 0 ? leading : found) pushName(out, f.name);
  return out;
}

interface DateResult {
  due: string | null;
  dueText: string;
  from: ParsedDecision['dueFrom'];
  flag: DueFlag | null;
  /** Where the date phrase sits in the text, to keep names in it from becoming owners. */
  span?: [number, number];
}

function explicitDue(value: string, ctx: ParseContext): DateResult | null {
  const v = value.trim();
  if (!v) return null;
  if (!isIsoDate(v)) return { due: null, dueText: v, from: 'explicit', flag: 'unparseable' };
  return { due: v, dueText: v, from: 'explicit', flag: v < ctx.meetingDate ? 'past' : null };
}

function dueFromText(text: string, ctx: ParseContext): DateResult {
  // Noon UTC on the meeting's day, read in UTC: calendar arithmetic without a time zone to go wrong.
  const ref = { instant: new Date(`${ctx.meetingDate}T12:00:00Z`), timezone: 0 };
  // A bare time ("standup at 9:30") is not a deadline: keep results that name a day.
  const results = chrono.en
    .parse(text, ref, { forwardDate: true })
    .filter((r) => r.start.isCertain('day') || r.start.isCertain('weekday') || r.start.isCertain('month'));
  // A date after a cue ("by …") is the deadline; else the last date named.
  const cued = results.find((r) => cueBefore(text, r.index) !== null);
  const hit = cued ?? results[results.length - 1];
  if (hit) {
    const y = hit.start.get('year');
    const m = hit.start.get('month');
    const d = hit.start.get('day');
    const due = y && m && d ? `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : null;
    const cue = cueBefore(text, hit.index);
    const start = cue ?? hit.index;
    const end = hit.index + hit.text.length;
    const dueText = text.slice(start, end).trim();
    if (!due || !isIsoDate(due)) return { due: null, dueText, from: 'text', flag: 'unparseable', span: [start, end] };
    return { due, dueText, from: 'text', flag: due < ctx.meetingDate ? 'past' : null, span: [start, end] };
  }
  // A cue followed by something that is not a date: keep what was typed, flag it, never guess.
  for (const m of text.matchAll(DUE_CUE)) {
    const after = text.slice((m.index ?? 0) + m[0].length);
    const phrase = after.split(/[.;!?\n]|,\s|\s[-–—]\s/)[0].trim();
    if (!phrase || NOT_A_DATE_AFTER_BY.test(phrase) || phrase.startsWith('@')) continue;
    const start = m.index ?? 0;
    return { due: null, dueText: text.slice(start, start + m[0].length + phrase.length).trim(), from: 'text', flag: 'unparseable', span: [start, start + m[0].length + phrase.length] };
  }
  return { due: null, dueText: '', from: 'none', flag: null };
}

/** Start of the cue word right before `index` ("by ", "due "), or null. */
function cueBefore(text: string, index: number): number | null {
  const m = /\b(?:due(?:\s+(?:by|on|date))?|deadline|by|before|until|no later than)\s*:?\s+(?:the\s+)?$/i.exec(text.slice(0, index));
  return m ? m.index : null;
}

// ---- action items ---------------------------------------------------------------------------------------------

export const ACTION_STATUSES = ['open', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_KINDS = ['decision', 'need'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** What the document alone says about an action item (no status set by people, no timestamps). */
export interface ExtractedAction {
  id: string;
  kind: ActionKind;
  /** The card the item comes from, its column and its headline (agenda title, need, challenge). */
  cardId: string;
  column: ColumnId;
  cardTitle: string;
  /** The decision's id (null for a need). */
  decisionId: string | null;
  text: string;
  /** [] = unassigned. */
  owners: string[];
  /** `YYYY-MM-DD` or null. */
  due: string | null;
  dueText: string;
  dueFlag: DueFlag | null;
  decidedBy: string;
  /** What the board itself says: a request marked done on the board is done. */
  boardStatus: 'open' | 'done';
}

/**
 * An action item as the API and the socket events show it.
 *
 * `id` is derived from its source and so stable across edits and restarts: `dec:<decisionId>` for a
 * decision, `need:<cardId>` for an accepted request. It is unique within a board (the store keys items by
 * board and id).
 */
export interface ActionItem extends Omit<ExtractedAction, 'boardStatus'> {
  boardId: string;
  /** open, done or cancelled. Set by people (server-side) or by the board: a deleted source cancels it. */
  status: ActionStatus;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
}


export const decisionActionId = (decisionId: string): string => `dec:${decisionId}`;
export const needActionId = (cardId: string): string => `need:${cardId}`;

/** A card's headline, for showing where an action item comes from. */
export function cardHeadline(card: Card): string {
  const t = card.column === 'agenda' ? card.title : card.column === 'needs' ? card.what : card.problem;
  const line = t.split('\n')[0].trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The action items one card implies: one per decision, plus one for a request that was accepted (or done). */
export function extractCard(card: Card, ctx: ParseContext): ExtractedAction[] {
  const base = { cardId: card.id, column: card.column, cardTitle: cardHeadline(card) };
  const out: ExtractedAction[] = card.decisions.map((d: Decision) => {
    const p = parseDecision(d, ctx);
    return {
      ...base,
      id: decisionActionId(d.id),
      kind: 'decision',
      decisionId: d.id,
      text: p.text,
      owners: p.owners,
      due: p.due,
      dueText: p.dueText,
      dueFlag: p.dueFlag,
      decidedBy: d.decidedBy,
      boardStatus: 'open',
    };
  });
  if (card.column === 'needs' && (card.status === 'accepted' || card.status === 'done')) {
    const due = card.byWhen.trim();
    const owner = card.addressee.trim();
    out.push({
      ...base,
      id: needActionId(card.id),
      kind: 'need',
      decisionId: null,
      text: card.what.trim(),
      owners: owner ? [owner] : [],
      due: isIsoDate(due) ? due : null,
      dueText: due,
      dueFlag: due === '' ? null : !isIsoDate(due) ? 'unparseable' : due < ctx.meetingDate ? 'past' : null,
      // The addressee decided, by accepting.
      decidedBy: owner,
      boardStatus: card.status === 'done' ? 'done' : 'open',
    });
  }
  return out;
}

/** The parse context of a board: its meeting day and the names it knows. */
export function boardParseContext(doc: Y.Doc): ParseContext {
  return { meetingDate: meetingDate(doc), participants: knownNames(doc) };
}

/**
 * The action items the document implies, for the given cards (all cards when `cardIds` is omitted).
 * Cards that no longer exist contribute nothing: their items are no longer implied.
 */
export function extractActions(doc: Y.Doc, cardIds?: Iterable<string>, ctx: ParseContext = boardParseContext(doc)): ExtractedAction[] {
  const cards = cardsMap(doc);
  const out: ExtractedAction[] = [];
  const ids = cardIds ? new Set(cardIds) : cards.keys();
  for (const id of ids) {
    const card = readCard(cards.get(id));
    if (card && card.id === id) out.push(...extractCard(card, ctx));
  }
  return out;
}

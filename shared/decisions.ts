/**
 * Decisions → owners and due dates (the action items a board implies are read in action-extraction.ts).
 *
 * Pure (no I/O, no clock): the browser previews exactly what the server stores. Due dates are read in
 * due-dates.ts, in English or German, relative to the meeting's day, never the wall clock, so the same text
 * on the same board always means the same day.
 */
import type * as Y from 'yjs';
import { isIsoDate, meetingDate, knownNames } from './board-schema.js';
import { dueFromText, type DueDate, type DueFlag } from './due-dates.js';

export { DATE_WINDOW, DUE_FLAGS, decisionLanguage, type DueFlag, type DateLanguage } from './due-dates.js';

// ---- parsing one decision --------------------------------------------------------------------------------

export interface ParsedDecision {
  /** The decision's text without a leading `Decision:` (or `Decided:`, `Agreed:`, `Action:`, `Entscheidung:`, `Beschluss:`…). */
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
  /**
   * Names the parser recognises as owners without an `@` (see `knownNames`). The lookup built from them is
   * cached with the array, so every decision parsed with the same array shares it: pass a new array when
   * the names change, never change one in place.
   */
  participants?: readonly string[];
}

const PREFIX = /^\s*(?:decision|decided|agreed|action(?:\s+item)?|entscheidung|entschieden|beschluss|beschlossen|vereinbart|aufgabe)\s*[:：–—-]\s*/i;
/** `@name`, where a name is letters, digits, `.`, `_`, `-` or `'` (no spaces: use a participant's name for those). */
const MENTION = /(^|[^\p{L}\p{N}_.@])@([\p{L}\p{N}][\p{L}\p{N}_.'-]*)/gu;
/** What joins the names of a leading list ("Priya, Sam and Lee"), once trimmed. */
const LIST_JOINER = /^(?:,|&|\+|\/|and|und|et|y)?$/i;

/**
 * Reads owner(s) and due date from a decision's text; explicit `owners` (comma-separated) and `due`
 * (`YYYY-MM-DD`) override the text. Never guesses: a date it cannot read, or one before the meeting, is
 * kept as typed and flagged.
 *
 * Runs in time linear in the text's length whatever the text, and independent of how many names the
 * context knows once their lookup is built (once per `participants` array).
 */
export function parseDecision(input: { text: string; owners?: string; due?: string }, ctx: ParseContext): ParsedDecision {
  const text = input.text.replace(PREFIX, '').trim();
  const names = nameIndex(ctx.participants);

  const explicitOwners = ownersFromField(input.owners ?? '', names);
  const date = explicitDue(input.due ?? '', ctx) ?? textDue(text, ctx);
  // Names inside the date phrase ("by Sam's birthday") are not owners.
  const ownerText = date.span ? text.slice(0, date.span[0]) + ' '.repeat(date.span[1] - date.span[0]) + text.slice(date.span[1]) : text;
  const owners = explicitOwners.length > 0 ? explicitOwners : ownersFromText(ownerText, names);
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
  return ownersFromField(value, nameIndex(participants));
}

function ownersFromField(value: string, names: NameIndex): string[] {
  const out = new NameList();
  for (const raw of value.split(',')) {
    const name = raw.trim().replace(/^@+/, '').trim();
    if (name) out.push(canonical(name, names));
  }
  return out.names;
}

function canonical(name: string, names: NameIndex): string {
  return names.spelling.get(name.toLowerCase()) ?? name;
}

/** Names in order, each once whatever its case. */
class NameList {
  readonly names: string[] = [];
  readonly #seen = new Set<string>();
  push(name: string): void {
    const key = name.toLowerCase();
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.names.push(name);
  }
}

/**
 * Owners from the text: every `@mention` if there is one; otherwise known names, in order of appearance,
 * and only those before the first verb-ish gap when the text starts with a list of names ("Priya and Sam
 * to draft…" → both; "Priya to ask Sam…" → Priya).
 */
function ownersFromText(text: string, names: NameIndex): string[] {
  const scan = scanNames(text, names);
  const mentions = new NameList();
  for (const m of text.matchAll(MENTION)) {
    // `@Priya` may also be the start of a known multi-word name ("@Mary Ann"): prefer the known spelling.
    const known = scan.startingAt((m.index ?? 0) + m[1].length + 1);
    mentions.push(known ?? canonical(trimTrailing(m[2], ".'-"), names));
  }
  if (mentions.names.length > 0) return mentions.names;

  // A leading list of names ("Priya, Sam and Lee will…") owns the decision; others are only mentioned.
  const leading = new NameList();
  let cursor = 0;
  scan.each((name, index, end) => {
    const gap = text.slice(cursor, index).trim();
    if (cursor === 0 ? gap !== '' : !LIST_JOINER.test(gap)) return false;
    leading.push(name);
    cursor = end;
  });
  if (cursor > 0) return leading.names;
  const all = new NameList();
  scan.each((name) => all.push(name));
  return all.names;
}

/** `s` without any of `chars` at its end (a loop: `/[.'-]+$/` backtracks quadratically on long runs). */
function trimTrailing(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

interface DateResult extends DueDate {
  from: ParsedDecision['dueFrom'];
}

function explicitDue(value: string, ctx: ParseContext): DateResult | null {
  const v = value.trim();
  if (!v) return null;
  if (!isIsoDate(v)) return { due: null, dueText: v, from: 'explicit', flag: 'unparseable' };
  return { due: v, dueText: v, from: 'explicit', flag: v < ctx.meetingDate ? 'past' : null };
}

function textDue(text: string, ctx: ParseContext): DateResult {
  const date = dueFromText(text, ctx.meetingDate);
  return { ...date, from: date.dueText ? 'text' : 'none' };
}

// ---- known names in text -------------------------------------------------------------------------------------

/** A known name found in a text: which one, and the span it covers there. */
export interface FoundName {
  /** The name as the board spells it. */
  name: string;
  index: number;
  end: number;
}

/**
 * Known names in `text`, left to right, each where it starts: the longest name that starts there wins
 * ("Mary Ann" over "Mary"), and the text after it is read on. Case-insensitive; a name is not found inside a
 * longer word ("Sam" is not in "Samantha"). Linear in the text; the names' lookup is built once per array.
 */
export function findKnownNames(text: string, participants: readonly string[]): FoundName[] {
  const out: FoundName[] = [];
  scanNames(text, nameIndex(participants)).each((name, index, end) => void out.push({ name, index, end }));
  return out;
}

/**
 * Whether a decision could read differently when any of `names` becomes known or stops being known: whether
 * its text or owners field contains one of them, case-insensitively. A decision that contains none reads
 * the same with or without them, so when the known names change only the others need reading again.
 */
export function mentionsAnyName(decision: { text: string; owners?: string }, names: readonly string[]): boolean {
  const folded = names.map((n) => fold(n.trim())).filter((n) => n !== '');
  if (folded.length === 0) return false;
  const hay = fold(`${decision.text}\n${decision.owners ?? ''}`);
  return folded.some((n) => hay.includes(n));
}

/**
 * Texts are cut into tokens: a run of letters, digits and `_` (a word), or any other single code point. A
 * name is found where the text's tokens equal its own, compared case-insensitively. That a name is no part
 * of a longer word needs no further check where it starts and ends with a word (tokens are whole runs); a
 * name that starts or ends with another character ("A.J.", "(Ana)") carries, in that character's key,
 * that no word touches it there, and in the text the key says whether one does.
 */
const WORD_RUN = /[\p{L}\p{N}_]+/uy;

/** Case-insensitive form of a token. Greek final sigma folds to sigma, as a case-insensitive RegExp does. */
function fold(s: string): string {
  const lower = s.toLowerCase();
  return lower.includes('ς') ? lower.replaceAll('ς', 'σ') : lower;
}

/** Key of a token that is not a word: the character, and whether a word touches it before and after. */
const markKey = (ch: string, before: boolean, after: boolean): string => `${fold(ch)}\u0000${before ? 1 : 0}${after ? 1 : 0}`;
/** ASCII: whether a code unit is a word character, and the four keys of each other character (no allocation per token). */
const ASCII_WORD: boolean[] = Array.from({ length: 128 }, (_, c) => /\w/.test(String.fromCharCode(c)));
const ASCII_MARK_KEYS: string[][] = Array.from({ length: 128 }, (_, c) => [0, 1, 2, 3].map((f) => markKey(String.fromCharCode(c), f >= 2, f % 2 === 1)));

/** Calls `each` with the key and start of every token of `text`, in order (each ends where the next starts). */
function forEachToken(text: string, each: (key: string, start: number) => void): void {
  // A token that is not a word waits for the next one: its key records whether a word follows.
  let markAt = -1;
  let markWidth = 0;
  let markBefore = false;
  let prevWord = false;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    let end = i;
    if (c >= 128 || ASCII_WORD[c]) {
      WORD_RUN.lastIndex = i;
      if (WORD_RUN.test(text)) end = WORD_RUN.lastIndex;
    }
    const word = end > i;
    if (markAt >= 0) each(markKeyAt(text, markAt, markWidth, markBefore, word), markAt);
    if (word) {
      markAt = -1;
      each(fold(text.slice(i, end)), i);
      i = end;
    } else {
      markAt = i;
      markWidth = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      markBefore = prevWord;
      i += markWidth;
    }
    prevWord = word;
  }
  if (markAt >= 0) each(markKeyAt(text, markAt, markWidth, markBefore, false), markAt);
}

function markKeyAt(text: string, at: number, width: number, before: boolean, after: boolean): string {
  const c = text.charCodeAt(at);
  return c < 128 ? ASCII_MARK_KEYS[c][(before ? 2 : 0) + (after ? 1 : 0)] : markKey(text.slice(at, at + width), before, after);
}

/** A state of the names' automaton: a sequence of tokens that ends some name (read backwards). */
interface NameNode {
  /** Moves on the next token's symbol; null until it has one: most states are the last of one name. */
  next: Map<number, NameNode> | null;
  /** The longest proper suffix of this sequence that is also a state (Aho–Corasick failure link). */
  fail: NameNode;
  /** The name that is exactly this sequence, or -1. */
  name: number;
  /** Length in tokens. */
  depth: number;
  /** The longest name this sequence ends with: itself or the nearest along `fail`. */
  best: NameNode | null;
}

/** The participants of a context, prepared once: spellings by lowercase, and an automaton over their tokens. */
interface NameIndex {
  /** Lowercased name → the first spelling given. */
  spelling: Map<string, string>;
  names: string[];
  /** Token key → symbol: the keys that occur in names. Any other token matches no name. */
  symbols: Map<string, number>;
  root: NameNode;
}

const indexes = new WeakMap<readonly string[], NameIndex>();
const NO_NAMES: readonly string[] = [];

function nameIndex(participants: readonly string[] = NO_NAMES): NameIndex {
  let index = indexes.get(participants);
  if (!index) indexes.set(participants, (index = buildNameIndex(participants)));
  return index;
}

/**
 * An Aho–Corasick automaton over the names' tokens, each name inserted backwards: reading a text's tokens
 * from its end, the state after token i names the longest name that starts at token i. So one pass over the
 * text finds, at every token, the longest name starting there, whatever the number or length of the names.
 */
function buildNameIndex(participants: readonly string[]): NameIndex {
  const root = { next: null, name: -1, depth: 0, best: null } as unknown as NameNode;
  root.fail = root;
  const spelling = new Map<string, string>();
  const symbols = new Map<string, number>();
  const names: string[] = [];
  for (const raw of participants) {
    const name = raw.trim();
    if (!name) continue;
    if (!spelling.has(name.toLowerCase())) spelling.set(name.toLowerCase(), name);
    const seq: number[] = [];
    forEachToken(name, (key) => {
      let symbol = symbols.get(key);
      if (symbol === undefined) symbols.set(key, (symbol = symbols.size));
      seq.push(symbol);
    });
    let at = root;
    for (let i = seq.length - 1; i >= 0; i--) {
      at.next ??= new Map();
      let child = at.next.get(seq[i]);
      if (!child) at.next.set(seq[i], (child = { next: null, fail: root, name: -1, depth: at.depth + 1, best: null }));
      at = child;
    }
    // The first spelling of a name wins, as it does in `spelling`.
    if (at.name < 0) {
      at.name = names.length;
      names.push(name);
    }
  }
  // Breadth first, so a state's failure link (always shallower) is complete before the state's own.
  const queue: NameNode[] = root.next ? [...root.next.values()] : [];
  for (let q = 0; q < queue.length; q++) {
    const at = queue[q];
    at.best = at.name >= 0 ? at : at.fail.best;
    if (!at.next) continue;
    for (const [symbol, child] of at.next) {
      child.fail = step(root, at.fail, symbol);
      queue.push(child);
    }
  }
  return { spelling, names, symbols, root };
}

/** The automaton's move from `state` on `symbol` (-1: a token no name has, back to the start). */
function step(root: NameNode, state: NameNode, symbol: number): NameNode {
  if (symbol < 0) return root;
  for (let s = state; ; s = s.fail) {
    const next = s.next?.get(symbol);
    if (next) return next;
    if (s === root) return root;
  }
}

interface NameScan {
  /** Calls `fn` for each name found, left to right (the longest where several start), until it returns false. */
  each(fn: (name: string, index: number, end: number) => boolean | void): void;
  /** The longest known name that starts exactly at `offset`, if any. */
  startingAt(offset: number): string | undefined;
}

const NOTHING_FOUND: NameScan = { each: () => undefined, startingAt: () => undefined };

/**
 * Finds the names in `text`. Typed arrays, not growing JS arrays: past some 16,000 elements every push to
 * those costs ten times more, and a crafted text has a token per character.
 */
function scanNames(text: string, index: NameIndex): NameScan {
  if (index.names.length === 0) return NOTHING_FOUND;
  const symbols = new Int32Array(text.length);
  const starts = new Int32Array(text.length + 1);
  let count = 0;
  forEachToken(text, (key, start) => {
    symbols[count] = index.symbols.get(key) ?? -1;
    starts[count++] = start;
  });
  starts[count] = text.length;
  // Backwards through the tokens: after token i the state ends with the longest name starting there.
  const bestName = new Int32Array(count).fill(-1);
  const bestDepth = new Int32Array(count);
  let state = index.root;
  for (let i = count - 1; i >= 0; i--) {
    state = step(index.root, state, symbols[i]);
    if (state.best) {
      bestName[i] = state.best.name;
      bestDepth[i] = state.best.depth;
    }
  }
  return {
    each(fn) {
      for (let i = 0; i < count;) {
        if (bestName[i] < 0) {
          i++;
          continue;
        }
        if (fn(index.names[bestName[i]], starts[i], starts[i + bestDepth[i]]) === false) return;
        i += bestDepth[i];
      }
    },
    startingAt(offset) {
      let lo = 0;
      let hi = count - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid] < offset) lo = mid + 1;
        else if (starts[mid] > offset) hi = mid - 1;
        else return bestName[mid] < 0 ? undefined : index.names[bestName[mid]];
      }
      return undefined;
    },
  };
}

/** The parse context of a board: its meeting day and the names it knows. */
export function boardParseContext(doc: Y.Doc): ParseContext {
  return { meetingDate: meetingDate(doc), participants: knownNames(doc) };
}

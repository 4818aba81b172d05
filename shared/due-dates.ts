/**
 * A decision's deadline, read from its text in English or German (decisions.ts reads the rest).
 *
 * Pure (no I/O, no clock): the browser previews exactly what the server stores. Dates are read by chrono-node
 * relative to the meeting's day, never the wall clock, so the same text on the same board always means the
 * same day. What each phrase means is a team lead's reading, listed in docs/board-schema.md; the parsers
 * below add the phrases chrono does not know ("EOW", "by the 15th", "bis Monatsende", "bis 3.12.").
 */
import * as chrono from 'chrono-node';
import { isIsoDate } from './board-schema.js';

/** Why a due date could not be taken at face value. The text as typed is always kept beside it. */
export const DUE_FLAGS = ['unparseable', 'past'] as const;
export type DueFlag = (typeof DUE_FLAGS)[number];

/** The languages a decision's date is read in. */
export type DateLanguage = 'en' | 'de';

export interface DueDate {
  /** `YYYY-MM-DD`, or null when there is none or it could not be read. */
  due: string | null;
  /** The date as typed, with its cue word (`by next Friday`, `bis Monatsende`); '' when there is none. */
  dueText: string;
  flag: DueFlag | null;
  /** Where the date phrase sits in the text, to keep names in it from becoming owners. */
  span?: [number, number];
}

/**
 * How much of a decision its due date is read from: the first this many characters (cut back to the last
 * whitespace, so a date is not cut in half). A decision is a sentence; the bound keeps chrono-node to a
 * fixed cost per decision (a few ms at most): it spends ~10 µs a character on text dense with dates, and
 * more than linear on long text (160,000 characters of ISO dates: 1.3 s).
 */
export const DATE_WINDOW = 1000;
/** How far before a date a cue word ("by", "due on the", "bis spätestens zum") is looked for. */
const CUE_LOOKBEHIND = 64;
/** The longest deadline phrase kept as typed when chrono cannot read it ("by the Q3 offsite"). */
const PHRASE_MAX = 100;

/** No letter or digit touches the match here (`\b` knows only ASCII: it would split "über"). */
const L = '(?<![\\p{L}\\p{N}])';
const R = '(?![\\p{L}\\p{N}])';

interface Language {
  parser: chrono.Chrono;
  /** Words that introduce a deadline; after them, text chrono cannot read is flagged rather than ignored. */
  cue: RegExp;
  /** A cue ending right where a date starts (the text before the date ends with it). */
  cueAtEnd: RegExp;
  /** A cue at the start of a date phrase (ours include it: "by the 15th", "bis Mai"). */
  cueAtStart: RegExp;
  /** Things one does "by" that are not dates ("send it by email", "bis auf Weiteres"). */
  notADate: RegExp;
  /** Words that point back ("last Monday", "vergangenen Montag"): such a weekday is not moved forward. */
  backwards: RegExp;
}

const EN_CUE = '(?:due(?:\\s+(?:by|on|date))?|deadline|by|before|until|no later than)';
const DE_CUE = '(?:bis(?:\\s+spätestens)?(?:\\s+(?:zum|zur|am))?|spätestens(?:\\s+(?:am|bis|zum))?|fällig(?:\\s+(?:am|bis|zum))?|frist|deadline|vor)';

// ---- calendar arithmetic, in UTC on whole days ---------------------------------------------------------------

type Day = { year: number; month: number; day: number };
const dayOf = (d: Date): Day => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
const utc = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month - 1, day, 12));
const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * 86_400_000);
const lastOfMonth = (year: number, month: number): Day => dayOf(utc(year, month + 1, 0));
/** The meeting's day: chrono's reference is noon UTC on it. */
const refOf = (context: chrono.ParsingContext): Date => context.reference.instant;

/** The Friday of the meeting's working week (the next Friday when it meets on a weekend), `weeks` on. */
function fridayOf(ref: Date, weeks: number): Day {
  return dayOf(addDays(ref, ((5 - ref.getUTCDay() + 7) % 7) + 7 * weeks));
}

/** First or last day of the quarter `ahead` quarters after the meeting's. */
function quarterBound(ref: Date, ahead: number, bound: 'first' | 'last'): Day {
  const first = utc(ref.getUTCFullYear(), (Math.floor(ref.getUTCMonth() / 3) + ahead) * 3 + 1, 1);
  return bound === 'first' ? dayOf(first) : lastOfMonth(first.getUTCFullYear(), first.getUTCMonth() + 3);
}

/** The last day of the meeting's month, or of the one `ahead` months on. */
function monthEnd(ref: Date, ahead: number): Day {
  const first = utc(ref.getUTCFullYear(), ref.getUTCMonth() + 1 + ahead, 1);
  return lastOfMonth(first.getUTCFullYear(), first.getUTCMonth() + 1);
}

/** The first `day`-th of a month on or after the meeting's day (the 31st: the next month that has one). */
function nextDayOfMonth(ref: Date, day: number): Day | null {
  if (day < 1 || day > 31) return null;
  for (let ahead = 0; ahead < 12; ahead++) {
    const d = utc(ref.getUTCFullYear(), ref.getUTCMonth() + 1 + ahead, day);
    if (d.getUTCDate() === day && d.getTime() >= ref.getTime()) return dayOf(d);
  }
  return null;
}

/** The date `day`.`month`. in the year that puts it nearest the meeting (as chrono does for "Nov 30"). */
function nearestYear(ref: Date, month: number, day: number): Day | null {
  let best: Date | null = null;
  for (const year of [ref.getUTCFullYear() - 1, ref.getUTCFullYear(), ref.getUTCFullYear() + 1]) {
    const d = utc(year, month, day);
    if (d.getUTCMonth() + 1 !== month || d.getUTCDate() !== day) return null;
    if (!best || Math.abs(d.getTime() - ref.getTime()) < Math.abs(best.getTime() - ref.getTime())) best = d;
  }
  return best && dayOf(best);
}

/**
 * A month named alone. After a cue ("by May", "bis Mai", "Anfang Mai") it is the month's first day: the work
 * is done when the month comes. Within or at the end of it ("in May", "end of May", "Ende Mai") it is the
 * month's last day. Either way the next such month from the meeting on; in the meeting's own month, its
 * last day, as its first has passed.
 */
function monthDay(ref: Date, month: number, year: number | null, bound: 'first' | 'last'): Day {
  const now = dayOf(ref);
  const y = year ?? (month < now.month ? now.year + 1 : now.year);
  if (bound === 'last' || (y === now.year && month === now.month)) return lastOfMonth(y, month);
  return { year: y, month, day: 1 };
}

const EN_MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const DE_MONTHS: Record<string, number> = {
  januar: 1,
  jänner: 1,
  jan: 1,
  februar: 2,
  feb: 2,
  märz: 3,
  mär: 3,
  april: 4,
  apr: 4,
  mai: 5,
  juni: 6,
  jun: 6,
  juli: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  oktober: 10,
  okt: 10,
  november: 11,
  nov: 11,
  dezember: 12,
  dez: 12,
};
const alternation = (words: Record<string, number>): string =>
  Object.keys(words)
    .sort((a, b) => b.length - a.length)
    .join('|');

// ---- the phrases chrono does not read ------------------------------------------------------------------------

const EN_CUE_AT_END = new RegExp(`\\b${EN_CUE}\\s*:?\\s+(?:the\\s+)?$`, 'i');
const DE_CUE_AT_END = new RegExp(`${L}${DE_CUE}\\s*:?\\s+$`, 'iu');
const NO_WORD_BEFORE = /[\p{L}\p{N}.]/u;

type Reading = (m: RegExpMatchArray, ref: Date, cued: boolean) => Day | null;

/**
 * A parser of one phrase: its pattern, and the day it means relative to the meeting (null: not a date).
 * `needsCue`: the phrase is a date only right after a cue ("by the 15th", "bis Mai": a bare "15." is a
 * number, a bare "may" a verb); its result then starts at the cue, which chrono's own filters would
 * otherwise take for a lone number or verb and drop.
 */
function phrase(pattern: string, cueAtEnd: RegExp, read: Reading, needsCue: (m: RegExpMatchArray) => boolean = () => false): chrono.Parser {
  const re = new RegExp(`${L}${pattern}${R}`, 'iu');
  return {
    pattern: () => re,
    extract: (context, m) => {
      const index = m.index ?? 0;
      // chrono runs the pattern on the rest of the text, where the lookbehind cannot see what came before.
      if (index > 0 && NO_WORD_BEFORE.test(context.text[index - 1])) return null;
      const cueStart = cueBefore(context.text, index, cueAtEnd);
      if (needsCue(m) && cueStart === null) return null;
      const day = read(m, refOf(context), cueStart !== null);
      if (!day) return null;
      const start = needsCue(m) && cueStart !== null ? cueStart : index;
      return context.createParsingResult(start, context.text.slice(start, index + m[0].length), day);
    },
  };
}

const always = () => true;

const EN_PARSERS = (cue: RegExp): chrono.Parser[] => [
  phrase('(?:eod|cob|close\\s+of\\s+business|end\\s+of\\s+(?:the\\s+)?(?:business\\s+)?day)', cue, (_, ref) => dayOf(ref)),
  phrase('(?:(eow)|end\\s+of\\s+(?:the\\s+|this\\s+)?(next\\s+)?week)', cue, (m, ref) => fridayOf(ref, m[2] ? 1 : 0)),
  phrase('(?:(eom)|end\\s+of\\s+(?:the\\s+|this\\s+)?(next\\s+)?month)', cue, (m, ref) => monthEnd(ref, m[2] ? 1 : 0)),
  phrase('(?:(eoq)|end\\s+of\\s+(?:the\\s+|this\\s+)?(next\\s+)?quarter)', cue, (m, ref) => quarterBound(ref, m[2] ? 1 : 0, 'last')),
  // "by next quarter": when it starts; "next quarter", "in the next quarter": by its end.
  phrase('(?:the\\s+)?next\\s+quarter', cue, (_, ref, cued) => quarterBound(ref, 1, cued ? 'first' : 'last')),
  phrase('(?:eoy|end\\s+of\\s+(?:the\\s+|this\\s+)?year)', cue, (_, ref) => ({ year: ref.getUTCFullYear(), month: 12, day: 31 })),
  // "by the 15th" (a month after it is chrono's: "the 15th of December").
  phrase(`(\\d{1,2})(?:st|nd|rd|th)(?!\\s+(?:of\\s+)?(?:${alternation(EN_MONTHS)})${R})`, cue, (m, ref) => nextDayOfMonth(ref, Number(m[1])), always),
  phrase(
    `((?:the\\s+)?end\\s+of\\s+|in\\s+|during\\s+)?(${alternation(EN_MONTHS)})(?!\\.?\\s*\\d{1,2}(?!\\d))(?:\\s+(\\d{4}))?`,
    cue,
    (m, ref) => monthDay(ref, EN_MONTHS[m[2].toLowerCase()], m[3] ? Number(m[3]) : null, m[1] ? 'last' : 'first'),
    (m) => !m[1],
  ),
];

const DE_PARSERS = (cue: RegExp): chrono.Parser[] => [
  phrase('(?:tagesende|feierabend|ende\\s+des\\s+tages)', cue, (_, ref) => dayOf(ref)),
  phrase('(?:wochenende|ende\\s+(?:der\\s+|dieser\\s+)?(nächsten\\s+|kommenden\\s+)?woche|ende\\s+(nächster)\\s+woche)', cue, (m, ref) =>
    fridayOf(ref, m[1] || m[2] ? 1 : 0),
  ),
  phrase('(?:monatsende|ende\\s+(?:des\\s+|dieses\\s+)?(nächsten\\s+)?monats)', cue, (m, ref) => monthEnd(ref, m[1] ? 1 : 0)),
  phrase('(?:quartalsende|ende\\s+(?:des\\s+|dieses\\s+)?(nächsten\\s+)?quartals)', cue, (m, ref) => quarterBound(ref, m[1] ? 1 : 0, 'last')),
  // "bis zum nächsten Quartal": when it starts; "im nächsten Quartal": by its end.
  phrase('(?:im\\s+)?(?:nächste[ns]?|kommende[ns]?)\\s+quartal', cue, (_, ref, cued) => quarterBound(ref, 1, cued ? 'first' : 'last')),
  phrase('(?:jahresende|ende\\s+(?:des\\s+|dieses\\s+)?jahres)', cue, (_, ref) => ({ year: ref.getUTCFullYear(), month: 12, day: 31 })),
  // "3.12." (a year after it is chrono's): the year that puts it nearest the meeting, as for "3. Dezember".
  phrase('(\\d{1,2})\\.(\\d{1,2})\\.(?!\\d)', cue, (m, ref) => nearestYear(ref, Number(m[2]), Number(m[1]))),
  // "bis zum 15." (a month after it is chrono's: "15. Januar").
  phrase(`(\\d{1,2})\\.(?!\\d)(?!\\s*(?:${alternation(DE_MONTHS)})${R})`, cue, (m, ref) => nextDayOfMonth(ref, Number(m[1])), always),
  phrase(
    `(ende\\s+|im\\s+|anfang\\s+)?(${alternation(DE_MONTHS)})\\.?(?:\\s+(\\d{4}))?`,
    cue,
    (m, ref) => monthDay(ref, DE_MONTHS[m[2].toLowerCase()], m[3] ? Number(m[3]) : null, m[1] && !/^anfang/i.test(m[1]) ? 'last' : 'first'),
    (m) => !m[1],
  ),
];

/** chrono's parser of a language with ours first: on a tie of two readings of one phrase, ours wins. */
function extended(base: chrono.Chrono, parsers: chrono.Parser[]): chrono.Chrono {
  const parser = base.clone();
  parser.parsers.unshift(...parsers);
  return parser;
}

const LANGUAGES: Record<DateLanguage, Language> = {
  en: {
    parser: extended(chrono.en.casual, EN_PARSERS(EN_CUE_AT_END)),
    cue: new RegExp(`\\b${EN_CUE}\\s*:?\\s+`, 'gi'),
    cueAtEnd: EN_CUE_AT_END,
    cueAtStart: new RegExp(`^${EN_CUE}\\s`, 'i'),
    notADate:
      /^(?:e-?mail|mail|post|phone|hand|vote|consensus|default|design|accident|slack|chat|courier|the way|then|now|far|all means|itself|themselves|himself|herself|myself|yourself|ourselves)\b/i,
    backwards: /\b(?:last|past|previous)\s+\S+$/i,
  },
  de: {
    parser: extended(chrono.de.casual, DE_PARSERS(DE_CUE_AT_END)),
    cue: new RegExp(`${L}${DE_CUE}\\s*:?\\s+`, 'giu'),
    cueAtEnd: DE_CUE_AT_END,
    cueAtStart: new RegExp(`^${DE_CUE}\\s`, 'iu'),
    notADate: /^(?:auf\b|dahin|jetzt|hierhin|zuletzt|später|nachher|gleich|zum\s+schluss|per\s+e-?mail)/iu,
    backwards: /(?:letzte[nmrs]?|vergangene[nmrs]?|vorige[nmrs]?)\s+\S+$/iu,
  },
};

// ---- which language -----------------------------------------------------------------------------------------

/** Words that, more than a name or a number, say which language a sentence is in. */
const GERMAN_WORDS = new Set(
  (
    'bis und oder der die das den dem des zum zur im am mit für ist sind wird werden sich kümmert kümmern übernimmt übernehmen ' +
    'erledigt macht schickt klärt prüft bereitet schreibt nächste nächsten nächster nächstes kommenden morgen übermorgen heute ' +
    'ende woche monat monats monatsende quartal spätestens fällig entscheidung beschluss beschlossen vereinbart bitte noch soll ' +
    'sollen ein eine einen es auf bei nach von vor dass wir ich sie er liefert sendet stellt meldet antwortet fragt plant bucht ruft ' +
    'informiert organisiert zwei drei vier wochen tage tagen montag dienstag mittwoch donnerstag freitag samstag sonntag ' +
    'januar februar märz mai juni juli oktober dezember'
  ).split(' '),
);
const ENGLISH_WORDS = new Set(
  (
    'by and or the to will is are of for with on at next this tomorrow today end week month quarter decision agreed decided ' +
    'owns takes sends ships delivers asks books calls we he she they it due before until two three weeks days monday tuesday wednesday thursday friday saturday sunday january ' +
    'february march may june july october december'
  ).split(' '),
);
const WORD = /[\p{L}]+/gu;

/**
 * The language a decision is written in, for reading its date: German when more of its words are German
 * than English ("@Sam kümmert sich bis Monatsende"), else English. Read from the text alone, not from a
 * reader's setting, so every browser and the server read a decision the same way.
 */
export function decisionLanguage(text: string): DateLanguage {
  let score = 0;
  for (const [word] of dateWindow(text).matchAll(WORD)) {
    const w = word.toLowerCase();
    if (GERMAN_WORDS.has(w)) score++;
    else if (ENGLISH_WORDS.has(w)) score--;
  }
  return score > 0 ? 'de' : 'en';
}

// ---- reading the deadline ------------------------------------------------------------------------------------

/**
 * The deadline a decision names: the date after a cue ("by …", "bis …"), else the last date named; a bare
 * time ("standup at 9:30") is none. A date before the meeting is kept and flagged `past`, never moved to
 * next week or next year; a cue followed by something that is not a date is kept as typed and flagged
 * `unparseable`, never guessed.
 */
export function dueFromText(full: string, meetingDate: string): DueDate {
  const text = dateWindow(full);
  const language = LANGUAGES[decisionLanguage(text)];
  // Noon UTC on the meeting's day, read in UTC: calendar arithmetic without a time zone to go wrong.
  const instant = new Date(`${meetingDate}T12:00:00Z`);
  // Not chrono's `forwardDate`: it moves "last Monday" to next Monday and "Nov 30" said on Dec 2 to next
  // year. Without it a month and day fall in the nearest year; a weekday alone is moved forward below.
  const results = language.parser
    .parse(text, { instant, timezone: 0 })
    .filter((r) => r.start.isCertain('day') || r.start.isCertain('weekday') || r.start.isCertain('month'));
  const cued = results.find((r) => cueBefore(text, r.index, language.cueAtEnd) !== null || language.cueAtStart.test(r.text));
  const hit = cued ?? results[results.length - 1];
  if (hit) {
    let due = isoDay(hit.start.get('year'), hit.start.get('month'), hit.start.get('day'));
    const end = hit.index + hit.text.length;
    // "by Monday" said on a Wednesday is the coming Monday; "by last Monday" stays where it was.
    const weekdayOnly = !hit.start.isCertain('day') && hit.start.isCertain('weekday');
    if (due && due < meetingDate && weekdayOnly && !language.backwards.test(text.slice(Math.max(0, hit.index - 24), end))) due = laterBy(due, 7);
    const start = cueBefore(text, hit.index, language.cueAtEnd) ?? hit.index;
    const dueText = text.slice(start, end).trim();
    if (!due || !isIsoDate(due)) return { due: null, dueText, flag: 'unparseable', span: [start, end] };
    return { due, dueText, flag: due < meetingDate ? 'past' : null, span: [start, end] };
  }
  for (const m of text.matchAll(language.cue)) {
    const start = m.index ?? 0;
    // Cut before splitting: splitting all the rest of the text at every cue would be quadratic.
    const after = text.slice(start + m[0].length, start + m[0].length + PHRASE_MAX);
    const phraseText = after.split(/[;!?\n]|\.(?!\d)|,\s|\s[-–—]\s/)[0].trim();
    if (!phraseText || language.notADate.test(phraseText) || phraseText.startsWith('@')) continue;
    const end = start + m[0].length + phraseText.length;
    return { due: null, dueText: text.slice(start, end).trim(), flag: 'unparseable', span: [start, end] };
  }
  return { due: null, dueText: '', flag: null };
}

function isoDay(y: number | null, m: number | null, d: number | null): string | null {
  return y && m && d ? `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : null;
}

function laterBy(iso: string, days: number): string | null {
  const d = dayOf(addDays(new Date(`${iso}T12:00:00Z`), days));
  return isoDay(d.year, d.month, d.day);
}

/** The start of `text` that dates are read from: all of it, or its first `DATE_WINDOW` characters. */
function dateWindow(text: string): string {
  if (text.length <= DATE_WINDOW) return text;
  let cut = DATE_WINDOW;
  while (cut > 0 && !/\s/.test(text[cut])) cut--;
  if (cut === 0) cut = /[\uD800-\uDBFF]/.test(text[DATE_WINDOW - 1]) ? DATE_WINDOW - 1 : DATE_WINDOW;
  return text.slice(0, cut);
}

/** Start of the cue word right before `index` ("by ", "bis zum "), or null. */
function cueBefore(text: string, index: number, cueAtEnd: RegExp): number | null {
  // Only the last few characters: a `$`-anchored search over the whole prefix is quadratic on long runs of
  // whitespace. The window starts after any word it cuts, so a word boundary means what it does in the text.
  let from = Math.max(0, index - CUE_LOOKBEHIND);
  while (from > 0 && from < index && WORD_CHAR.test(text[from - 1]) && WORD_CHAR.test(text[from])) from++;
  const m = cueAtEnd.exec(text.slice(from, index));
  return m ? from + m.index : null;
}
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Action list and summary exports: Markdown, CSV (RFC 4180, csv-stringify), iCalendar (RFC 5545 VTODO,
 * ical.js) and JSON. User text is carried intact, except that line breaks become LF (iCalendar also drops
 * control characters; Markdown defuses mass mentions); each format's escaping keeps it from being read as
 * markup, structure or formulas.
 * Every value is user-controlled, timestamps included (an import brings its own): a value a format cannot
 * carry is left out, never written half-valid, and never makes a renderer throw.
 */
import { stringify } from 'csv-stringify/sync';
import ICAL from 'ical.js';
import { isIsoDate } from '../../shared/board-schema.js';
import type { ActionItem, ActionStatus } from '../../shared/action-extraction.js';
import { TIME_MAX_MS } from '../../shared/history-schemas.js';
import type { ActionListResponse, ExportFormat, MeetingSummary, SummaryDecision } from '../../shared/action-schemas.js';

export interface RenderedExport {
  body: string;
  contentType: string;
  /** File name for Content-Disposition (ASCII-safe). */
  filename: string;
}

export function renderActions(list: ActionListResponse, format: ExportFormat): RenderedExport {
  const base = `${slug(list.title)}-actions-${list.meetingDate}`;
  switch (format) {
    case 'json':
      return { body: JSON.stringify(list, null, 2), contentType: 'application/json; charset=utf-8', filename: `${base}.json` };
    case 'md':
      return { body: actionsMarkdown(list), contentType: 'text/markdown; charset=utf-8', filename: `${base}.md` };
    case 'csv':
      return { body: actionsCsv(list.actionItems), contentType: 'text/csv; charset=utf-8; header=present', filename: `${base}.csv` };
    case 'ics':
      return { body: actionsIcs(list), contentType: 'text/calendar; charset=utf-8', filename: `${base}.ics` };
  }
}

/** A file-name-safe slug of a title (ASCII letters, digits, dashes), never empty. */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'board';
}

// ---- shared rules ------------------------------------------------------------------------------------------

/**
 * CR LF and a lone CR as LF. Spreadsheets, CommonMark and iCalendar parsers all end a line at a lone CR,
 * while the escaping below (and csv-stringify's and ical.js's) is written for LF: normalise first.
 */
export function normaliseLineBreaks(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

/**
 * A time (ms since the epoch) as a Date, or null when an export cannot write it: not a finite number, or
 * outside 1970 to 9999 (iCalendar and ISO 8601 need four-digit years; earlier times never occur here).
 */
export function exportableTime(ms: number): Date | null {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= TIME_MAX_MS ? new Date(ms) : null;
}

// ---- Markdown ---------------------------------------------------------------------------------------------

/**
 * Mentions that notify a whole channel in Slack, Mattermost or Discord (`@channel`, `@here`, `@everyone`,
 * `@all`, any case, also before `.`, `-`, `_`, which those tools strip). Slack's `<!channel>` form needs a
 * `<`, which is always an entity.
 */
const MASS_MENTION = /@(?=(?:channel|here|everyone|all)(?![\p{L}\p{N}]))/giu;
/**
 * Written after the `@` of a mass mention: a zero-width space, so `@channel` still reads as `@channel` but is
 * two words to a chat server (Mattermost splits words at any character that is not a letter, digit or one
 * of `.-_:@`; Slack and Discord match the word as written). The usual convention of chat bots.
 */
export const MENTION_BREAK = '\u200B';

/**
 * Escapes user text for Markdown (CommonMark) and chat tools that render it (the summary webhook): a
 * backslash before characters that make inline markup, and before those that start a block (`#`, `-`, `+`,
 * `=`, `1.`) only where they would (at the start of a line), so that ordinary words like "cross-team" stay
 * readable in chat tools that show backslashes literally. HTML-significant characters become entities;
 * line breaks (CR LF, CR or LF, normalised first) are kept as hard breaks; mass mentions get
 * {@link MENTION_BREAK} after the `@`.
 */
export function mdEscape(s: string): string {
  return normaliseLineBreaks(s)
    .replace(/[\\`*_{}[\]|~]/g, '\\$&')
    .replace(/!(?=\\\[)/g, '\\!')
    .replace(/(^|\n)(\s*)([#+=-])/g, '$1$2\\$3')
    .replace(/(^|\n)(\s*\d+)([.)])/g, '$1$2\\$3')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MASS_MENTION, `@${MENTION_BREAK}`)
    .replace(/\n/g, '  \n  ');
}

const STATUS_BOX: Record<ActionStatus, string> = { open: '[ ]', done: '[x]', cancelled: '[-]', blocked: '[!]' };

function ownersText(owners: readonly string[]): string {
  return owners.length ? owners.map(mdEscape).join(', ') : '_unassigned_';
}

function dueMd(i: Pick<ActionItem, 'due' | 'dueText' | 'dueFlag'>): string {
  if (i.dueFlag === 'unparseable') return `due "${mdEscape(i.dueText)}" ⚠ date not understood`;
  if (i.due && i.dueFlag === 'past') return `due ${mdEscape(i.due)} ⚠ before the meeting`;
  if (i.due) return `due ${mdEscape(i.due)}`;
  return 'no due date';
}

function actionLine(i: ActionItem): string {
  const text = i.status === 'cancelled' ? `~~${mdEscape(i.text)}~~` : mdEscape(i.text);
  return `- ${STATUS_BOX[i.status]} ${text} — ${ownersText(i.owners)}, ${dueMd(i)} (${mdEscape(i.cardTitle || i.column)})`;
}

export function actionsMarkdown(list: ActionListResponse): string {
  const lines = [`# Action items: ${mdEscape(list.title)}`, '', `Meeting of ${list.meetingDate}.`, ''];
  if (list.actionItems.length === 0) lines.push('No action items.');
  for (const status of ['open', 'blocked', 'done', 'cancelled'] as const) {
    const items = list.actionItems.filter((i) => i.status === status);
    if (items.length === 0) continue;
    lines.push(`## ${status[0].toUpperCase()}${status.slice(1)} (${items.length})`, '', ...items.map(actionLine), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function decisionLine(d: SummaryDecision): string {
  return `- ${mdEscape(d.text)} — ${ownersText(d.owners)}, ${dueMd(d)}`;
}

/** The meeting summary as Markdown (also the webhook's `text`). */
export function summaryMarkdown(s: MeetingSummary): string {
  const out = [`# ${mdEscape(s.title)} — ${s.meetingDate}`, ''];
  if (s.purpose) out.push(`**Purpose:** ${mdEscape(s.purpose)}`, '');
  if (s.attendees.length) out.push(`**Attendees:** ${s.attendees.map(mdEscape).join(', ')}`, '');
  if (s.agenda.length) {
    out.push('## Agenda', '');
    for (const a of s.agenda) {
      out.push(`- ${a.done ? '[x]' : '[ ]'} ${mdEscape(a.title)}${a.owner ? ` (${mdEscape(a.owner)})` : ''}`);
      for (const d of a.decisions) out.push(`  ${decisionLine(d)}`);
    }
    out.push('');
  }
  if (s.decisions.length) out.push('## Decisions', '', ...s.decisions.map(decisionLine), '');
  const live = s.actionItems.filter((i) => i.status !== 'cancelled');
  if (live.length) out.push('## Action items', '', ...live.map(actionLine), '');
  if (s.openNeeds.length) {
    out.push('## Open requests', '');
    for (const n of s.openNeeds)
      out.push(`- ${mdEscape(n.asker)} → ${mdEscape(n.addressee)}: ${mdEscape(n.what)}${n.byWhen ? ` (by ${mdEscape(n.byWhen)})` : ''}`);
    out.push('');
  }
  if (s.unresolvedChallenges.length) {
    out.push('## Unresolved challenges', '');
    for (const c of s.unresolvedChallenges) out.push(`- ${mdEscape(c.problem)} (${c.status})`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ---- CSV ----------------------------------------------------------------------------------------------------

/**
 * A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or CR as a formula (OWASP "CSV
 * injection"); some trim leading spaces first, and Apple Numbers reads the full-width `＝＋－＠` alike. Such
 * cells, and those starting with a line break, get a leading `'`, which spreadsheets show as text and hide.
 */
export function neutraliseFormula(cell: string): string {
  return /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/.test(cell) ? `'${cell}` : cell;
}

/** One CSV cell from user text: line breaks as LF, then neutralised against formulas. */
export function csvCell(value: string): string {
  return neutraliseFormula(normaliseLineBreaks(value));
}

/** A time as an ISO 8601 cell; empty when it is not a time an export can write. */
export function csvTime(ms: number): string {
  return exportableTime(ms)?.toISOString() ?? '';
}

/**
 * RFC 4180 CSV with a header row: CRLF line ends; fields with a comma, quote, line break (CR or LF, so a
 * line inside a cell never starts a row) or edge space quoted, quotes doubled; every cell through
 * {@link csvCell}.
 */
export function csvTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return stringify([[...header], ...rows.map((r) => r.map(csvCell))], {
    record_delimiter: 'windows',
    // Off by default once record_delimiter is set, which left a lone CR or LF unquoted.
    quote_record_delimiter: true,
    quoted_match: /^\s|\s$/,
  });
}

const CSV_HEADER = ['id', 'status', 'text', 'owners', 'due', 'due_as_typed', 'due_flag', 'source', 'source_card', 'decided_by', 'created_at', 'updated_at'];

export function actionsCsv(items: readonly ActionItem[]): string {
  return csvTable(
    CSV_HEADER,
    items.map((i) => [
      i.id,
      i.status,
      i.text,
      i.owners.join('; '),
      i.due ?? '',
      i.dueText,
      i.dueFlag ?? '',
      i.column,
      i.cardTitle,
      i.decidedBy,
      csvTime(i.createdAt),
      csvTime(i.updatedAt),
    ]),
  );
}

// ---- iCalendar -------------------------------------------------------------------------------------------------

// A blocked to-do still needs doing: iCalendar has no 'blocked'.
const ICS_STATUS: Record<ActionStatus, string> = { open: 'NEEDS-ACTION', done: 'COMPLETED', cancelled: 'CANCELLED', blocked: 'NEEDS-ACTION' };

/**
 * User text for an iCalendar TEXT value: line breaks as LF (ical.js escapes LF as `\n` but would write a CR
 * raw, ending the line), and without the other control characters, which TEXT cannot carry (RFC 5545 §3.3.11).
 */
export function icsText(s: string): string {
  return normaliseLineBreaks(s).replace(/[\x00-\x08\x0B-\x1F\x7F]/g, '');
}

function icsTime(ms: number): ICAL.Time | null {
  const d = exportableTime(ms);
  return d ? ICAL.Time.fromJSDate(d, true) : null;
}

/**
 * One VTODO per item. ical-generator writes only VEVENTs, so this uses ical.js (Mozilla's iCalendar
 * library), which escapes TEXT values and folds lines at 75 octets without splitting a character. Every
 * text goes through {@link icsText}; a time that cannot be written is left out (DTSTAMP, which RFC 5545
 * requires, is then the time of the export).
 */
export function actionsIcs(list: ActionListResponse, now: number = Date.now()): string {
  const cal = new ICAL.Component('vcalendar');
  cal.updatePropertyWithValue('prodid', '-//Meshboard//Action items//EN');
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('calscale', 'GREGORIAN');
  // ical.js writes a property it does not know (type "unknown") raw, line breaks and all. Typed TEXT it is
  // escaped, and `VALUE=TEXT` tells every parser to unescape it (RFC 5545's default for x-properties, which
  // ical.js does not apply).
  cal.addProperty(new ICAL.Property(['x-wr-calname', {}, 'text', icsText(`Action items: ${list.title}`)]));
  const text = (todo: ICAL.Component, name: string, value: string) => todo.addProperty(new ICAL.Property([name, {}, 'text', icsText(value)]));
  const time = (todo: ICAL.Component, name: string, t: ICAL.Time | null) => t && todo.updatePropertyWithValue(name, t);
  for (const i of list.actionItems) {
    const todo = new ICAL.Component('vtodo');
    const updated = icsTime(i.updatedAt);
    // Stable: the same action item is the same to-do when the file is imported again.
    text(todo, 'uid', `${i.id}.${list.boardId}@meshboard`);
    time(todo, 'dtstamp', updated ?? icsTime(now));
    time(todo, 'created', icsTime(i.createdAt));
    time(todo, 'last-modified', updated);
    text(todo, 'summary', i.text);
    const description = [
      `Owners: ${i.owners.length ? i.owners.join(', ') : 'unassigned'}`,
      i.dueFlag === 'unparseable'
        ? `Due as typed (not understood): ${i.dueText}`
        : i.dueFlag === 'past'
          ? `Due ${i.due}, before the meeting (${list.meetingDate})`
          : '',
      `From: ${i.cardTitle || i.column}`,
      i.decidedBy ? `Decided by: ${i.decidedBy}` : '',
    ].filter(Boolean);
    text(todo, 'description', description.join('\n'));
    if (isIsoDate(i.due)) todo.updatePropertyWithValue('due', ICAL.Time.fromDateString(i.due));
    if (Object.hasOwn(ICS_STATUS, i.status)) todo.updatePropertyWithValue('status', ICS_STATUS[i.status]);
    if (i.status === 'done') time(todo, 'completed', updated);
    cal.addSubcomponent(todo);
  }
  // ical.js folds every segment at 75 octets, so a continuation line with its leading space has 76; RFC 5545
  // §3.1 counts the space. Its fold length is module state: set it for this synchronous call only.
  const foldLength = ICAL.foldLength;
  ICAL.foldLength = 74;
  try {
    return `${cal.toString()}\r\n`;
  } finally {
    ICAL.foldLength = foldLength;
  }
}

/**
 * Action list and summary exports: Markdown, CSV (RFC 4180, csv-stringify, with a UTF-8 byte order mark),
 * iCalendar (RFC 5545 VEVENT and VTODO, ical.js) and JSON. User text is carried intact, except that line
 * breaks become LF (iCalendar also drops control characters; Markdown defuses mass mentions); each format's
 * escaping keeps it from being read as markup, structure or formulas.
 * Every value is user-controlled, timestamps included (an import brings its own): a value a format cannot
 * carry is left out, never written half-valid, and never makes a renderer throw.
 */
import { stringify } from 'csv-stringify/sync';
import ICAL from 'ical.js';
import { isClockTime, isIsoDate } from '../../shared/board-schema.js';
import { slotInstant } from '../../shared/cadence.js';
import type { ActionItem, ActionStatus } from '../../shared/action-extraction.js';
import type { ActionListResponse, ExportFormat, MeetingSummary, SummaryDecision } from '../../shared/action-schemas.js';
import { addText, icsString, icsText, icsTime, nextDay } from '../calendar/ics-values.js';
import { exportableTime, normaliseLineBreaks } from './text-rules.js';

export { exportableTime, icsText, normaliseLineBreaks };

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
      return { body: actionsMarkdown(list), contentType: MARKDOWN_TYPE, filename: `${base}.md` };
    case 'csv':
      return { body: actionsCsv(list.actionItems), contentType: CSV_TYPE, filename: `${base}.csv` };
    case 'ics':
      return { body: actionsIcs(list), contentType: 'text/calendar; charset=utf-8', filename: `${base}.ics` };
  }
}

/** Every CSV download's media type (RFC 4180 §3 and RFC 7111): UTF-8, first row a header. */
export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';
export const MARKDOWN_TYPE = 'text/markdown; charset=utf-8';

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
 * Where escaped Markdown is read. `file`: a Markdown download, read raw in an editor or rendered by a
 * CommonMark renderer, so nothing in it may be an HTML entity (`&amp;` would be read as written). `chat`: a
 * chat tool's incoming webhook (Slack, Mattermost), which expects `&`, `<` and `>` as `&amp;` `&lt;` `&gt;`
 * and shows them as the characters; there the entities are what keeps `<!channel>` from pinging anyone.
 */
export type MarkdownFlavour = 'file' | 'chat';

/**
 * Escapes user text for Markdown (CommonMark) and chat tools that render it (the summary webhook): a
 * backslash before characters that make inline markup, and before those that start a block (`#`, `-`, `+`,
 * `=`, `1.`, and `>` in a file) only where they would (at the start of a line), so that ordinary words like
 * "cross-team" stay readable in chat tools that show backslashes literally. HTML: in a `file` a backslash
 * before `<` (and a `!` after it) and before an `&` that would begin an entity (so "R&D" stays "R&D"); in `chat` the three
 * characters as entities (see {@link MarkdownFlavour}). Line breaks (CR LF, CR or LF, normalised first) are
 * kept as hard breaks; mass mentions get {@link MENTION_BREAK} after the `@`.
 */
export function mdEscape(s: string, flavour: MarkdownFlavour = 'file'): string {
  const marked = normaliseLineBreaks(s)
    .replace(/[\\`*_{}[\]|~]/g, '\\$&')
    .replace(/!(?=\\\[)/g, '\\!')
    .replace(flavour === 'file' ? /(^|\n)(\s*)([#+=>-])/g : /(^|\n)(\s*)([#+=-])/g, '$1$2\\$3')
    .replace(/(^|\n)(\s*\d+)([.)])/g, '$1$2\\$3');
  const html =
    flavour === 'file'
      ? // `<!` gets a second backslash: pasted into Slack, `<!channel>` would still notify everyone.
        marked.replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&').replace(/<(!?)/g, (_m, bang: string) => (bang ? '\\<\\!' : '\\<'))
      : marked.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return html.replace(MASS_MENTION, `@${MENTION_BREAK}`).replace(/\n/g, '  \n  ');
}

const STATUS_BOX: Record<ActionStatus, string> = { open: '[ ]', done: '[x]', cancelled: '[-]', blocked: '[!]' };

/** User text escaped for one flavour: what the Markdown writers below take. */
type Esc = (s: string) => string;
const escaperFor =
  (flavour: MarkdownFlavour): Esc =>
  (s) =>
    mdEscape(s, flavour);

function ownersText(owners: readonly string[], esc: Esc): string {
  return owners.length ? owners.map((o) => esc(o)).join(', ') : '_unassigned_';
}

function dueMd(i: Pick<ActionItem, 'due' | 'dueText' | 'dueFlag'>, esc: Esc): string {
  if (i.dueFlag === 'unparseable') return `due "${esc(i.dueText)}" ⚠ date not understood`;
  if (i.due && i.dueFlag === 'past') return `due ${esc(i.due)} ⚠ before the meeting`;
  if (i.due) return `due ${esc(i.due)}`;
  return 'no due date';
}

function actionLine(i: ActionItem, esc: Esc): string {
  const text = i.status === 'cancelled' ? `~~${esc(i.text)}~~` : esc(i.text);
  return `- ${STATUS_BOX[i.status]} ${text} — ${ownersText(i.owners, esc)}, ${dueMd(i, esc)} (${esc(i.cardTitle || i.column)})`;
}

/** The action list as a Markdown file. */
export function actionsMarkdown(list: ActionListResponse): string {
  const esc = escaperFor('file');
  const lines = [`# Action items: ${esc(list.title)}`, '', `Meeting of ${list.meetingDate}.`, ''];
  if (list.actionItems.length === 0) lines.push('No action items.');
  for (const status of ['open', 'blocked', 'done', 'cancelled'] as const) {
    const items = list.actionItems.filter((i) => i.status === status);
    if (items.length === 0) continue;
    lines.push(`## ${status[0].toUpperCase()}${status.slice(1)} (${items.length})`, '', ...items.map((i) => actionLine(i, esc)), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function decisionLine(d: SummaryDecision, esc: Esc): string {
  return `- ${esc(d.text)} — ${ownersText(d.owners, esc)}, ${dueMd(d, esc)}`;
}

/**
 * The meeting summary as Markdown: every agenda item with its notes in full (their line breaks kept, as
 * hard breaks) and its decisions with owners and dates, then the other decisions, action items, open
 * requests and unresolved challenges. `chat` is the webhook's `text`.
 */
export function summaryMarkdown(s: MeetingSummary, flavour: MarkdownFlavour = 'file'): string {
  const esc = escaperFor(flavour);
  const out = [`# ${esc(s.title)} — ${s.meetingDate}`, ''];
  if (s.purpose) out.push(`**Purpose:** ${esc(s.purpose)}`, '');
  if (s.attendees.length) out.push(`**Attendees:** ${s.attendees.map((a) => esc(a)).join(', ')}`, '');
  if (s.agenda.length) {
    out.push('## Agenda', '');
    for (const a of s.agenda) {
      out.push(`- ${a.done ? '[x]' : '[ ]'} ${esc(a.title)}${a.owner ? ` (${esc(a.owner)})` : ''}`);
      // A paragraph inside the list item (indented, after a blank line): escaped, so it starts no block.
      const notes = a.notes.trim();
      if (notes) out.push('', `  ${esc(notes)}`, '');
      for (const d of a.decisions) out.push(`  ${decisionLine(d, esc)}`);
    }
    out.push('');
  }
  if (s.decisions.length) out.push('## Decisions', '', ...s.decisions.map((d) => decisionLine(d, esc)), '');
  const live = s.actionItems.filter((i) => i.status !== 'cancelled');
  if (live.length) out.push('## Action items', '', ...live.map((i) => actionLine(i, esc)), '');
  if (s.openNeeds.length) {
    out.push('## Open requests', '');
    for (const n of s.openNeeds) out.push(`- ${esc(n.asker)} → ${esc(n.addressee)}: ${esc(n.what)}${n.byWhen ? ` (by ${esc(n.byWhen)})` : ''}`);
    out.push('');
  }
  if (s.unresolvedChallenges.length) {
    out.push('## Unresolved challenges', '');
    for (const c of s.unresolvedChallenges) out.push(`- ${esc(c.problem)} (${c.status})`);
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
 * Excel reads a CSV file as the system's legacy code page ("MÃ¼ller") unless it starts with a UTF-8 byte
 * order mark; other spreadsheets and CSV parsers skip it (or are told to: csv-parse's `bom`).
 */
export const UTF8_BOM = '\uFEFF';

/**
 * RFC 4180 CSV with a header row, after a {@link UTF8_BOM}: CRLF line ends; fields with a comma, quote, line
 * break (CR or LF, so a line inside a cell never starts a row) or edge space quoted, quotes doubled; every
 * cell through {@link csvCell}.
 */
export function csvTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const table = stringify([[...header], ...rows.map((r) => r.map(csvCell))], {
    record_delimiter: 'windows',
    // Off by default once record_delimiter is set, which left a lone CR or LF unquoted.
    quote_record_delimiter: true,
    quoted_match: /^\s|\s$/,
  });
  return UTF8_BOM + table;
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
 * When the meeting starts, as iCalendar writes it: with a series' time zone the UTC instant of its local
 * start; without one (a board outside a series) a floating time, which calendars read as the importer's own
 * local time — what the person who typed "10:00" meant. Null without a start (an all-day event then).
 */
function meetingStartTime(list: ActionListResponse): ICAL.Time | null {
  if (!isIsoDate(list.meetingDate) || !isClockTime(list.meetingStart)) return null;
  if (list.timezone) {
    try {
      const at = exportableTime(slotInstant({ date: list.meetingDate, start: list.meetingStart }, list.timezone));
      if (at) return ICAL.Time.fromJSDate(at, true);
    } catch {
      // An unknown zone (an imported board): read the start as floating, below.
    }
  }
  return ICAL.Time.fromDateTimeString(`${list.meetingDate}T${list.meetingStart}:00`);
}

/** A meeting without timeboxes still blocks an hour, the length a series meeting has unless told otherwise. */
const DEFAULT_MEETING_MINUTES = 60;

/**
 * The calendar of a board's meeting and its action items, for calendar apps and to-do apps alike (many
 * calendars ignore VTODO):
 * - one VEVENT for the meeting: at its start for the agenda's total timeboxes (an hour without any) when a
 *   start is set, else all day on the meeting's day;
 * - one all-day VEVENT per action item with a due date, on that day, transparent (it blocks no time),
 *   `STATUS:CANCELLED` for a cancelled item so a re-import takes it off, "Done:" before a done one's summary;
 * - one VTODO per item, as before, for to-do apps.
 * UIDs are stable, so importing the file again updates instead of duplicating. ical.js (Mozilla's
 * iCalendar library) escapes TEXT values and folds lines at 75 octets without splitting a character. Every
 * text goes through {@link icsText}; a time that cannot be written is left out (DTSTAMP, which RFC 5545
 * requires, is then the time of the export).
 */
export function actionsIcs(list: ActionListResponse, now: number = Date.now()): string {
  const cal = new ICAL.Component('vcalendar');
  cal.updatePropertyWithValue('prodid', '-//Meshboard//Action items//EN');
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('calscale', 'GREGORIAN');
  // Typed TEXT, the calendar's name too: ical.js would write an x-property raw, line breaks and all.
  addText(cal, 'x-wr-calname', `Action items: ${list.title}`);
  const text = addText;
  const time = (c: ICAL.Component, name: string, t: ICAL.Time | null) => t && c.updatePropertyWithValue(name, t);
  const exportedAt = icsTime(now);

  if (isIsoDate(list.meetingDate)) {
    const event = new ICAL.Component('vevent');
    text(event, 'uid', `meeting.${list.boardId}@meshboard`);
    time(event, 'dtstamp', exportedAt);
    text(event, 'summary', list.title);
    const start = meetingStartTime(list);
    if (start) {
      const end = start.clone();
      end.addDuration(ICAL.Duration.fromSeconds((list.agendaMinutes > 0 ? list.agendaMinutes : DEFAULT_MEETING_MINUTES) * 60));
      event.updatePropertyWithValue('dtstart', start);
      event.updatePropertyWithValue('dtend', end);
    } else {
      event.updatePropertyWithValue('dtstart', ICAL.Time.fromDateString(list.meetingDate));
      event.updatePropertyWithValue('dtend', nextDay(list.meetingDate));
    }
    cal.addSubcomponent(event);
  }

  for (const i of list.actionItems) {
    if (!isIsoDate(i.due)) continue;
    const event = new ICAL.Component('vevent');
    // Not the to-do's UID: one UID is one calendar object, and these are two.
    text(event, 'uid', `${i.id}.due.${list.boardId}@meshboard`);
    time(event, 'dtstamp', icsTime(i.updatedAt) ?? exportedAt);
    text(event, 'summary', i.status === 'done' ? `Done: ${i.text}` : i.text);
    text(event, 'description', itemDescription(i, list.meetingDate));
    event.updatePropertyWithValue('dtstart', ICAL.Time.fromDateString(i.due));
    event.updatePropertyWithValue('dtend', nextDay(i.due));
    event.updatePropertyWithValue('transp', 'TRANSPARENT');
    if (i.status === 'cancelled') event.updatePropertyWithValue('status', 'CANCELLED');
    cal.addSubcomponent(event);
  }

  for (const i of list.actionItems) {
    const todo = new ICAL.Component('vtodo');
    const updated = icsTime(i.updatedAt);
    // Stable: the same action item is the same to-do when the file is imported again.
    text(todo, 'uid', `${i.id}.${list.boardId}@meshboard`);
    time(todo, 'dtstamp', updated ?? exportedAt);
    time(todo, 'created', icsTime(i.createdAt));
    time(todo, 'last-modified', updated);
    text(todo, 'summary', i.text);
    text(todo, 'description', itemDescription(i, list.meetingDate));
    if (isIsoDate(i.due)) todo.updatePropertyWithValue('due', ICAL.Time.fromDateString(i.due));
    if (Object.hasOwn(ICS_STATUS, i.status)) todo.updatePropertyWithValue('status', ICS_STATUS[i.status]);
    if (i.status === 'done') time(todo, 'completed', updated);
    cal.addSubcomponent(todo);
  }
  return icsString(cal);
}

/** What DESCRIPTION says about an item: owners, a date that needs a look, where it came from, who decided. */
function itemDescription(i: ActionItem, meetingDate: string): string {
  return [
    `Owners: ${i.owners.length ? i.owners.join(', ') : 'unassigned'}`,
    i.dueFlag === 'unparseable'
      ? `Due as typed (not understood): ${i.dueText}`
      : i.dueFlag === 'past'
        ? `Due ${i.due}, before the meeting (${meetingDate})`
        : '',
    `From: ${i.cardTitle || i.column}`,
    i.decidedBy ? `Decided by: ${i.decidedBy}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

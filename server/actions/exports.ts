/**
 * Action list and summary exports: Markdown, CSV (RFC 4180, csv-stringify), iCalendar (RFC 5545 VTODO,
 * ical.js) and JSON. User text is carried intact; each format's escaping keeps it from being read as markup,
 * structure or formulas.
 */
import { stringify } from 'csv-stringify/sync';
import ICAL from 'ical.js';
import type { ActionItem, ActionStatus } from '../../shared/decisions.js';
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

// ---- Markdown ---------------------------------------------------------------------------------------------

/**
 * Escapes user text for Markdown (CommonMark): a backslash before characters that make inline markup, and
 * before those that start a block (`#`, `-`, `+`, `1.`) only where they would (at the start of a line), so
 * that ordinary words like "cross-team" stay readable in chat tools that show backslashes literally.
 * HTML-significant characters become entities; newlines are kept as hard breaks.
 */
export function mdEscape(s: string): string {
  return s
    .replace(/[\\`*_{}[\]|~]/g, '\\$&')
    .replace(/!(?=\\\[)/g, '\\!')
    .replace(/(^|\n)(\s*)([#+-])/g, '$1$2\\$3')
    .replace(/(^|\n)(\s*\d+)([.)])/g, '$1$2\\$3')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?|\n/g, '  \n  ');
}

const STATUS_BOX: Record<ActionStatus, string> = { open: '[ ]', done: '[x]', cancelled: '[-]' };

function ownersText(owners: readonly string[]): string {
  return owners.length ? owners.map(mdEscape).join(', ') : '_unassigned_';
}

function dueMd(i: Pick<ActionItem, 'due' | 'dueText' | 'dueFlag'>): string {
  if (i.dueFlag === 'unparseable') return `due "${mdEscape(i.dueText)}" ⚠ date not understood`;
  if (i.due && i.dueFlag === 'past') return `due ${i.due} ⚠ before the meeting`;
  if (i.due) return `due ${i.due}`;
  return 'no due date';
}

function actionLine(i: ActionItem): string {
  const text = i.status === 'cancelled' ? `~~${mdEscape(i.text)}~~` : mdEscape(i.text);
  return `- ${STATUS_BOX[i.status]} ${text} — ${ownersText(i.owners)}, ${dueMd(i)} (${mdEscape(i.cardTitle || i.column)})`;
}

export function actionsMarkdown(list: ActionListResponse): string {
  const lines = [`# Action items: ${mdEscape(list.title)}`, '', `Meeting of ${list.meetingDate}.`, ''];
  if (list.actionItems.length === 0) lines.push('No action items.');
  for (const status of ['open', 'done', 'cancelled'] as const) {
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
    for (const n of s.openNeeds) out.push(`- ${mdEscape(n.asker)} → ${mdEscape(n.addressee)}: ${mdEscape(n.what)}${n.byWhen ? ` (by ${n.byWhen})` : ''}`);
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
 * injection"): such cells get a leading `'`, which spreadsheets show as text and hide.
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

const CSV_HEADER = ['id', 'status', 'text', 'owners', 'due', 'due_as_typed', 'due_flag', 'source', 'source_card', 'decided_by', 'created_at', 'updated_at'];

export function actionsCsv(items: readonly ActionItem[]): string {
  const rows = items.map((i) =>
    [
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
      new Date(i.createdAt).toISOString(),
      new Date(i.updatedAt).toISOString(),
    ].map(neutraliseFormula),
  );
  // RFC 4180: CRLF line ends, fields with comma, quote or line break quoted and quotes doubled.
  return stringify([CSV_HEADER, ...rows], { record_delimiter: 'windows', quoted_match: /^\s|\s$/ });
}

// ---- iCalendar -------------------------------------------------------------------------------------------------

const ICS_STATUS: Record<ActionStatus, string> = { open: 'NEEDS-ACTION', done: 'COMPLETED', cancelled: 'CANCELLED' };

/**
 * One VTODO per item. ical-generator writes only VEVENTs, so this uses ical.js (Mozilla's iCalendar
 * library), which escapes TEXT values and folds lines at 75 octets without splitting a character.
 */
export function actionsIcs(list: ActionListResponse): string {
  const cal = new ICAL.Component('vcalendar');
  cal.updatePropertyWithValue('prodid', '-//Meshboard//Action items//EN');
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('calscale', 'GREGORIAN');
  cal.updatePropertyWithValue('x-wr-calname', `Action items: ${list.title}`);
  for (const i of list.actionItems) {
    const todo = new ICAL.Component('vtodo');
    // Stable: the same action item is the same to-do when the file is imported again.
    todo.updatePropertyWithValue('uid', `${i.id}.${list.boardId}@meshboard`);
    todo.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(i.updatedAt), true));
    todo.updatePropertyWithValue('created', ICAL.Time.fromJSDate(new Date(i.createdAt), true));
    todo.updatePropertyWithValue('last-modified', ICAL.Time.fromJSDate(new Date(i.updatedAt), true));
    todo.updatePropertyWithValue('summary', i.text);
    const description = [
      `Owners: ${i.owners.length ? i.owners.join(', ') : 'unassigned'}`,
      i.dueFlag === 'unparseable' ? `Due as typed (not understood): ${i.dueText}` : i.dueFlag === 'past' ? `Due ${i.due}, before the meeting (${list.meetingDate})` : '',
      `From: ${i.cardTitle || i.column}`,
      i.decidedBy ? `Decided by: ${i.decidedBy}` : '',
    ].filter(Boolean);
    todo.updatePropertyWithValue('description', description.join('\n'));
    if (i.due) todo.updatePropertyWithValue('due', ICAL.Time.fromDateString(i.due));
    todo.updatePropertyWithValue('status', ICS_STATUS[i.status]);
    if (i.status === 'done') todo.updatePropertyWithValue('completed', ICAL.Time.fromJSDate(new Date(i.updatedAt), true));
    cal.addSubcomponent(todo);
  }
  return `${cal.toString()}\r\n`;
}

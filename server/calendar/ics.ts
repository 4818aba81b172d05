/**
 * iCalendar (RFC 5545) files of series: meeting invitations (RFC 5546 iTIP REQUEST and CANCEL, attached to
 * mails), action items as all-day events and to-dos, and the subscription feeds (docs/calendars.md). Built
 * with ical.js, which escapes TEXT values and folds lines; every user text goes through `icsText`.
 *
 * UIDs are stable — a meeting's is `meetingUid(seriesId, seq)` in every file, an item's its id — so a calendar
 * that sees the same object again (a feed refresh, a second invitation) updates it instead of adding one.
 */
import ICAL from 'ical.js';
import { isIsoDate } from '../../shared/board-schema.js';
import { addText, icsString, icsText, icsTime, nextDay } from './ics-values.js';

export interface IcsMeeting {
  seriesId: string;
  seq: number;
  seriesName: string;
  team: string;
  /** Scheduled start and end, ms since the epoch; written in UTC. */
  startsAt: number;
  endsAt: number;
  /** The series' zone (IANA), named in the description; the times themselves are UTC. */
  timezone: string;
  /** `planned`: the cadence's next meeting, not opened yet. A missed meeting is written as cancelled. */
  status: 'open' | 'running' | 'ended' | 'missed' | 'planned';
  url: string | null;
  description?: string;
  /** RFC 5545 SEQUENCE: grows each time the meeting's time or status changes (server/calendar/sequences.ts). */
  sequence: number;
  /** DTSTAMP (ms since the epoch): when this version was made; the time of writing when left out. */
  stamp?: number;
}

export interface IcsActionItem {
  id: string;
  text: string;
  owners: string[];
  /** `YYYY-MM-DD`; an item without one is a to-do only. */
  due: string | null;
  status: 'open' | 'done' | 'cancelled' | 'blocked';
  url: string | null;
  seriesName: string;
  /** Last change (ms since the epoch): DTSTAMP and LAST-MODIFIED; the time of writing when left out. */
  updatedAt?: number;
}

export interface IcsPerson {
  name: string;
  address: string;
}

const PRODID = '-//Meshboard//Series calendar//EN';

/** The UID of meeting `seq` of a series, the same in invitations and feeds and across every change. */
export function meetingUid(seriesId: string, seq: number): string {
  return `meeting.${seq}.${seriesId}@meshboard`;
}

const actionEventUid = (id: string) => `action.${id}.due@meshboard`;
const actionTodoUid = (id: string) => `action.${id}@meshboard`;

// A blocked to-do still needs doing: iCalendar has no 'blocked'.
const TODO_STATUS: Record<IcsActionItem['status'], string> = { open: 'NEEDS-ACTION', done: 'COMPLETED', cancelled: 'CANCELLED', blocked: 'NEEDS-ACTION' };
const MEETING_STATUS: Record<IcsMeeting['status'], string> = {
  planned: 'TENTATIVE',
  open: 'CONFIRMED',
  running: 'CONFIRMED',
  ended: 'CONFIRMED',
  missed: 'CANCELLED',
};

function calendar(method?: string): ICAL.Component {
  const cal = new ICAL.Component('vcalendar');
  cal.updatePropertyWithValue('prodid', PRODID);
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('calscale', 'GREGORIAN');
  if (method) cal.updatePropertyWithValue('method', method);
  return cal;
}

/** A URL the server made (never user text), without anything that could end the line. */
function addUrl(c: ICAL.Component, url: string | null): void {
  const clean = url ? url.replace(/[\x00-\x20\x7F]/g, '') : '';
  if (/^https?:\/\//.test(clean)) c.updatePropertyWithValue('url', clean);
}

function meetingSummary(m: IcsMeeting): string {
  return `${m.seriesName} — meeting ${m.seq}`;
}

function meetingEvent(m: IcsMeeting, now: number, cancelled = false): ICAL.Component {
  const event = new ICAL.Component('vevent');
  addText(event, 'uid', meetingUid(m.seriesId, m.seq));
  const stamp = icsTime(m.stamp ?? now) ?? icsTime(now);
  if (stamp) event.updatePropertyWithValue('dtstamp', stamp);
  const start = icsTime(m.startsAt);
  const end = icsTime(Math.max(m.endsAt, m.startsAt));
  if (start) event.updatePropertyWithValue('dtstart', start);
  if (start && end) event.updatePropertyWithValue('dtend', end);
  event.updatePropertyWithValue('sequence', Number.isSafeInteger(m.sequence) && m.sequence >= 0 ? m.sequence : 0);
  addText(event, 'summary', meetingSummary(m));
  const about = [m.team ? `Team: ${m.team}` : '', `Time zone of the series: ${m.timezone}`, m.description ?? ''].filter(Boolean).join('\n');
  addText(event, 'description', about);
  event.updatePropertyWithValue('status', cancelled ? 'CANCELLED' : (MEETING_STATUS[m.status] ?? 'CONFIRMED'));
  addUrl(event, m.url);
  return event;
}

function itemDescription(i: IcsActionItem): string {
  return [`Owners: ${i.owners.length ? i.owners.join(', ') : 'unassigned'}`, `Series: ${i.seriesName}`].join('\n');
}

/** The all-day event on the due day (transparent: it blocks no time), or null without a due date. */
function itemEvent(i: IcsActionItem, now: number): ICAL.Component | null {
  if (!isIsoDate(i.due)) return null;
  const event = new ICAL.Component('vevent');
  // Not the to-do's UID: one UID is one calendar object, and these are two.
  addText(event, 'uid', actionEventUid(i.id));
  const stamp = icsTime(i.updatedAt ?? now) ?? icsTime(now);
  if (stamp) event.updatePropertyWithValue('dtstamp', stamp);
  addText(event, 'summary', i.status === 'done' ? `Done: ${i.text}` : i.text);
  addText(event, 'description', itemDescription(i));
  event.updatePropertyWithValue('dtstart', ICAL.Time.fromDateString(i.due));
  event.updatePropertyWithValue('dtend', nextDay(i.due));
  event.updatePropertyWithValue('transp', 'TRANSPARENT');
  if (i.status === 'cancelled') event.updatePropertyWithValue('status', 'CANCELLED');
  addUrl(event, i.url);
  return event;
}

function itemTodo(i: IcsActionItem, now: number): ICAL.Component {
  const todo = new ICAL.Component('vtodo');
  addText(todo, 'uid', actionTodoUid(i.id));
  const updated = i.updatedAt === undefined ? null : icsTime(i.updatedAt);
  const stamp = updated ?? icsTime(now);
  if (stamp) todo.updatePropertyWithValue('dtstamp', stamp);
  if (updated) todo.updatePropertyWithValue('last-modified', updated);
  addText(todo, 'summary', i.text);
  addText(todo, 'description', itemDescription(i));
  if (isIsoDate(i.due)) todo.updatePropertyWithValue('due', ICAL.Time.fromDateString(i.due));
  todo.updatePropertyWithValue('status', TODO_STATUS[i.status] ?? 'NEEDS-ACTION');
  if (i.status === 'done' && stamp) todo.updatePropertyWithValue('completed', stamp);
  addUrl(todo, i.url);
  return todo;
}

function addItems(cal: ICAL.Component, items: readonly IcsActionItem[], now: number): void {
  for (const i of items) {
    const event = itemEvent(i, now);
    if (event) cal.addSubcomponent(event);
  }
  for (const i of items) cal.addSubcomponent(itemTodo(i, now));
}

/** A display name for a CN parameter: no control characters, no quotes (RFC 5545 allows none inside one). */
const cn = (name: string) => icsText(name).replace(/[\n"]/g, ' ').trim();
/** A mail address as a `mailto:` URI; anything that could break the line or the URI is dropped. */
const mailto = (address: string) => `mailto:${address.replace(/[\x00-\x20\x7F"<>]/g, '')}`;

function person(name: string, p: IcsPerson, params: Record<string, string>): ICAL.Property {
  const prop = new ICAL.Property(name);
  prop.setValue(mailto(p.address));
  const label = cn(p.name);
  if (label) prop.setParameter('cn', label);
  for (const [k, v] of Object.entries(params)) prop.setParameter(k, v);
  return prop;
}

/**
 * A meeting invitation (iTIP, RFC 5546), attached to a mail as `text/calendar; method=…`. REQUEST adds or
 * updates the meeting in the attendee's calendar (a higher SEQUENCE replaces an earlier one), CANCEL takes it
 * off; both carry the meeting's stable UID.
 */
export function invitationIcs(
  m: IcsMeeting,
  opts: { method: 'REQUEST' | 'CANCEL'; organizer: IcsPerson; attendees: IcsPerson[] },
  now: number = Date.now(),
): string {
  const cal = calendar(opts.method);
  const event = meetingEvent(m, now, opts.method === 'CANCEL');
  event.addProperty(person('organizer', opts.organizer, {}));
  for (const a of opts.attendees) event.addProperty(person('attendee', a, { role: 'REQ-PARTICIPANT', partstat: 'NEEDS-ACTION', rsvp: 'FALSE' }));
  cal.addSubcomponent(event);
  return icsString(cal);
}

/** Action items on their own: an all-day event on each due day, and a to-do for each item. */
export function actionItemsIcs(items: IcsActionItem[], opts: { calendarName: string }, now: number = Date.now()): string {
  const cal = calendar();
  addText(cal, 'x-wr-calname', opts.calendarName);
  addItems(cal, items, now);
  return icsString(cal);
}

/**
 * A subscription feed: the meetings and the action items, named, and asking calendar apps to refresh it
 * hourly (REFRESH-INTERVAL, RFC 7986; X-PUBLISHED-TTL for Outlook and older apps). Apart from `now` (used
 * only where a meeting or item has no time of its own) the file depends on its input alone, so its hash can
 * serve as its ETag.
 */
export function feedIcs(feed: { name: string; meetings: IcsMeeting[]; actionItems: IcsActionItem[] }, now: number = Date.now()): string {
  const cal = calendar();
  addText(cal, 'x-wr-calname', feed.name);
  addText(cal, 'name', feed.name);
  const refresh = new ICAL.Property('refresh-interval');
  refresh.resetType('duration');
  refresh.setValue(ICAL.Duration.fromString('PT1H'));
  cal.addProperty(refresh);
  cal.addProperty(new ICAL.Property(['x-published-ttl', {}, 'unknown', 'PT1H']));
  for (const m of feed.meetings) cal.addSubcomponent(meetingEvent(m, now));
  addItems(cal, feed.actionItems, now);
  return icsString(cal);
}

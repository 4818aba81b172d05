/** The iCalendar builders of series (server/calendar/ics.ts), read back with ical.js as a calendar app reads them. */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { actionItemsIcs, feedIcs, invitationIcs, meetingUid, type IcsActionItem, type IcsMeeting } from '../../server/calendar/ics.js';
import { HOSTILE_TEXTS, icsExpected } from '../helpers/hostile-text.js';

const meeting: IcsMeeting = {
  seriesId: 'ser1',
  seq: 4,
  seriesName: 'Ops weekly',
  team: 'Operations',
  startsAt: Date.UTC(2030, 0, 3, 9, 0),
  endsAt: Date.UTC(2030, 0, 3, 9, 45),
  timezone: 'Europe/Berlin',
  status: 'open',
  url: 'https://meet.example/s/ser1',
  sequence: 2,
};

const parse = (ics: string) => new ICAL.Component(ICAL.parse(ics));
const only = (cal: ICAL.Component, kind: string) => {
  const all = cal.getAllSubcomponents(kind);
  expect(all).toHaveLength(1);
  return all[0];
};

describe('invitationIcs', () => {
  it('is an iTIP REQUEST with the organizer, every attendee, the meeting’s stable UID and its SEQUENCE', () => {
    const cal = parse(
      invitationIcs(meeting, {
        method: 'REQUEST',
        organizer: { name: 'Meshboard', address: 'meetings@example.com' },
        attendees: [
          { name: 'Ana Ávila', address: 'ana@example.com' },
          { name: 'Bo', address: 'bo@example.com' },
        ],
      }),
    );
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = only(cal, 'vevent');
    expect(event.getFirstPropertyValue('uid')).toBe(meetingUid('ser1', 4));
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe('2030-01-03T09:00:00.000Z');
    expect((event.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().toISOString()).toBe('2030-01-03T09:45:00.000Z');
    expect(event.getFirstPropertyValue('summary')).toBe('Ops weekly — meeting 4');
    expect(event.getFirstPropertyValue('url')).toBe('https://meet.example/s/ser1');
    const organizer = event.getFirstProperty('organizer')!;
    expect([organizer.getFirstValue(), organizer.getParameter('cn')]).toEqual(['mailto:meetings@example.com', 'Meshboard']);
    expect(event.getAllProperties('attendee').map((a) => [a.getFirstValue(), a.getParameter('cn'), a.getParameter('role')])).toEqual([
      ['mailto:ana@example.com', 'Ana Ávila', 'REQ-PARTICIPANT'],
      ['mailto:bo@example.com', 'Bo', 'REQ-PARTICIPANT'],
    ]);
  });

  it('is a CANCEL with STATUS:CANCELLED under the same UID', () => {
    const cal = parse(invitationIcs({ ...meeting, sequence: 3 }, { method: 'CANCEL', organizer: { name: 'M', address: 'm@example.com' }, attendees: [] }));
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    const event = only(cal, 'vevent');
    expect([event.getFirstPropertyValue('uid'), event.getFirstPropertyValue('status'), event.getFirstPropertyValue('sequence')]).toEqual([
      meetingUid('ser1', 4),
      'CANCELLED',
      3,
    ]);
  });

  it('keeps hostile names and addresses from adding properties or parameters', () => {
    const ics = invitationIcs(
      { ...meeting, seriesName: 'Ops\r\nATTENDEE:mailto:evil@example.com', team: 'x\nORGANIZER:mailto:evil@example.com' },
      {
        method: 'REQUEST',
        organizer: { name: 'Org"\r\nATTENDEE:mailto:evil@example.com', address: 'org@example.com\r\nATTENDEE:mailto:evil@example.com' },
        attendees: [{ name: 'Bo;ROLE=CHAIR:mailto:evil@example.com', address: 'bo@example.com' }],
      },
    );
    const event = only(parse(ics), 'vevent');
    expect(event.getAllProperties('attendee')).toHaveLength(1);
    expect(event.getAllProperties('organizer')).toHaveLength(1);
    const bo = event.getFirstProperty('attendee')!;
    expect([bo.getParameter('cn'), bo.getParameter('role'), bo.getFirstValue()]).toEqual([
      'Bo;ROLE=CHAIR:mailto:evil@example.com',
      'REQ-PARTICIPANT',
      'mailto:bo@example.com',
    ]);
    expect(event.getFirstPropertyValue('summary')).toBe('Ops\nATTENDEE:mailto:evil@example.com — meeting 4');
  });
});

describe('actionItemsIcs and feedIcs', () => {
  const items: IcsActionItem[] = [
    {
      id: 'a1',
      text: 'Send the report',
      owners: ['Bo'],
      due: '2030-01-09',
      status: 'done',
      url: null,
      seriesName: 'Ops weekly',
      updatedAt: Date.UTC(2030, 0, 5),
    },
    { id: 'a2', text: 'Think', owners: [], due: null, status: 'blocked', url: null, seriesName: 'Ops weekly' },
    { id: 'a3', text: 'Dropped', owners: ['Ana'], due: '2030-02-28', status: 'cancelled', url: null, seriesName: 'Ops weekly' },
  ];

  it('writes a dated item as an all-day event and a to-do, an undated one as a to-do only, each with its status', () => {
    const cal = parse(actionItemsIcs(items, { calendarName: 'Ops weekly: action items' }));
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Ops weekly: action items');
    const events = cal.getAllSubcomponents('vevent');
    expect(events.map((e) => [e.getFirstPropertyValue('uid'), String(e.getFirstPropertyValue('dtstart')), String(e.getFirstPropertyValue('dtend'))])).toEqual([
      ['action.a1.due@meshboard', '2030-01-09', '2030-01-10'],
      ['action.a3.due@meshboard', '2030-02-28', '2030-03-01'],
    ]);
    expect(events.map((e) => e.getFirstPropertyValue('status'))).toEqual([null, 'CANCELLED']);
    expect(cal.getAllSubcomponents('vtodo').map((t) => [t.getFirstPropertyValue('uid'), t.getFirstPropertyValue('status')])).toEqual([
      ['action.a1@meshboard', 'COMPLETED'],
      ['action.a2@meshboard', 'NEEDS-ACTION'],
      ['action.a3@meshboard', 'CANCELLED'],
    ]);
  });

  it('names a feed and asks for an hourly refresh; the same input gives the same file', () => {
    const feed = { name: 'Ops weekly', meetings: [{ ...meeting, status: 'missed' as const, stamp: 1 }], actionItems: items.slice(0, 1) };
    const ics = feedIcs(feed, 0);
    expect(ics).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n');
    expect(ics).toContain('\r\nX-PUBLISHED-TTL:PT1H\r\n');
    expect(feedIcs(feed, 0)).toBe(ics);
    const cal = parse(ics);
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Ops weekly');
    const event = cal.getAllSubcomponents('vevent').find((e) => e.getFirstPropertyValue('uid') === meetingUid('ser1', 4));
    expect(event?.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('carries every hostile text as the text itself, in lines of at most 75 octets', () => {
    const hostile = HOSTILE_TEXTS.map((text, n): IcsActionItem => ({ ...items[1], id: `h${n}`, text, owners: [text], due: '2030-01-09' }));
    const ics = feedIcs({ name: HOSTILE_TEXTS[4], meetings: [{ ...meeting, seriesName: HOSTILE_TEXTS[5] }], actionItems: hostile }, 0);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const cal = parse(ics);
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe(icsExpected(HOSTILE_TEXTS[4]));
    expect(cal.getAllSubcomponents('vtodo').map((t) => t.getFirstPropertyValue('summary'))).toEqual(HOSTILE_TEXTS.map(icsExpected));
    expect(cal.getAllSubcomponents('vevent')).toHaveLength(HOSTILE_TEXTS.length + 1);
    for (const c of cal.getAllSubcomponents()) expect(c.getAllSubcomponents()).toEqual([]);
  });
});

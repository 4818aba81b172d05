/**
 * Calendar feeds of a series and of a person, read as a calendar app reads them (parsed back with ical.js)
 * from a real server, with the board written by a real y-websocket client: meetings at their UTC times with
 * stable UIDs and growing SEQUENCEs, action items as all-day events and to-dos, each person's feed with
 * their items only, and URLs that stop working when replaced.
 */
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { addDecision, createCard } from '../../shared/board-schema.js';
import type { CalendarFeedResponse } from '../../shared/calendar.js';
import type { PersonLinkResponse } from '../../shared/series-people.js';
import type { SeriesEvent } from '../../shared/reach.js';
import { meetingUid } from '../../server/calendar/ics.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { HOSTILE_TEXTS, icsExpected } from '../helpers/hostile-text.js';
import { createSeries } from '../helpers/series.js';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/** Wednesday 2030-01-02; the series' first meeting is Thursday 2030-01-03 at 10:00 Berlin (09:00 UTC), 45 min. */
async function start(body: Record<string, unknown> = {}) {
  const clock = new FakeClock(Date.UTC(2030, 0, 2, 12, 0));
  const s = await startServer({ deps: { clock } });
  servers.push(s);
  const series = await createSeries(s.url, { graceMinutes: 15, ...body });
  return { s, clock, series, boardId: series.body.meetings[0].boardId };
}

/** Decisions for Bo (due 2030-01-09) and Ana (due 2030-01-10, and one without a date), and a request to Bo. */
async function addItems(s: TestServer, series: Awaited<ReturnType<typeof createSeries>>, boardId: string, boText = 'Bo sends the weekly report') {
  const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
  await synced(c);
  const item = createCard(c.doc, { column: 'agenda', title: 'Reports' });
  addDecision(c.doc, item, { text: `${boText} by 2030-01-09`, decidedBy: 'Ana' });
  addDecision(c.doc, item, { text: 'Ana books the room by 2030-01-10', decidedBy: 'Ana' });
  addDecision(c.doc, item, { text: 'Ana thinks about it', decidedBy: 'Ana' });
  createCard(c.doc, { column: 'needs', asker: 'Ana', addressee: 'Bo', what: 'Churn numbers', byWhen: '2030-01-08' });
  createCard(c.doc, { column: 'needs', asker: 'Bo', addressee: 'Ana', what: 'Release notes', byWhen: '2030-01-08' });
  await waitFor(
    async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 3,
    'the action items',
  );
  c.destroy();
}

async function feedUrl(s: TestServer, path: string, token: string): Promise<CalendarFeedResponse> {
  const res = await api<CalendarFeedResponse>(s.url, 'GET', path, undefined, token);
  expect(res.status).toBe(200);
  return res.body;
}

async function read(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function calendarAt(url: string): Promise<ICAL.Component> {
  const res = await read(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  return new ICAL.Component(ICAL.parse(res.body));
}

const byUid = (cal: ICAL.Component, kind: 'vevent' | 'vtodo', uid: string) => cal.getAllSubcomponents(kind).find((c) => c.getFirstPropertyValue('uid') === uid);
const value = (c: ICAL.Component | undefined, name: string) => c?.getFirstPropertyValue(name);
const sequence = (c: ICAL.Component | undefined) => Number(value(c, 'sequence'));
const utc = (c: ICAL.Component | undefined, name: string) => (value(c, name) as ICAL.Time).toJSDate().toISOString();
const day = (c: ICAL.Component | undefined, name: string) => {
  const t = value(c, name) as ICAL.Time;
  return t.isDate ? t.toString() : `not a date: ${t.toString()}`;
};
const summaries = (cal: ICAL.Component, kind: 'vevent' | 'vtodo') => cal.getAllSubcomponents(kind).map((c) => String(c.getFirstPropertyValue('summary')));

describe('the series feed', () => {
  it('has every meeting at its UTC times with a stable UID, the planned next one, and the action items as all-day events and to-dos', async () => {
    const { s, series, boardId } = await start();
    await addItems(s, series, boardId);
    const { url, webcal } = await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.viewer);
    expect(url.startsWith(`${s.url}/api/series/${series.id}/calendar/`)).toBe(true);
    expect(webcal).toBe(url.replace('http://', 'webcal://'));
    // Shown again, the same URL: nothing rotates by being looked at.
    expect((await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.facilitator)).url).toBe(url);

    const cal = await calendarAt(url);
    expect(value(cal, 'x-wr-calname')).toBe('Ops weekly');
    expect(String(value(cal, 'refresh-interval'))).toBe('PT1H');
    const first = byUid(cal, 'vevent', meetingUid(series.id, 1));
    expect([utc(first, 'dtstart'), utc(first, 'dtend'), value(first, 'summary'), value(first, 'status')]).toEqual([
      '2030-01-03T09:00:00.000Z',
      '2030-01-03T09:45:00.000Z',
      'Ops weekly — meeting 1',
      'CONFIRMED',
    ]);
    const planned = byUid(cal, 'vevent', meetingUid(series.id, 2));
    expect([utc(planned, 'dtstart'), value(planned, 'status')]).toEqual(['2030-01-10T09:00:00.000Z', 'TENTATIVE']);

    const items = (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems as {
      id: string;
      text: string;
    }[];
    const bo = items.find((i) => i.text.startsWith('Bo'))!;
    const undated = items.find((i) => i.text === 'Ana thinks about it')!;
    const boEvent = byUid(cal, 'vevent', `action.${bo.id}.due@meshboard`);
    expect([day(boEvent, 'dtstart'), day(boEvent, 'dtend'), value(boEvent, 'summary')]).toEqual(['2030-01-09', '2030-01-10', bo.text]);
    const boTodo = byUid(cal, 'vtodo', `action.${bo.id}@meshboard`);
    expect([day(boTodo, 'due'), value(boTodo, 'status')]).toEqual(['2030-01-09', 'NEEDS-ACTION']);
    // Without a due date: a to-do, and no event.
    expect(byUid(cal, 'vevent', `action.${undated.id}.due@meshboard`)).toBeUndefined();
    expect(value(byUid(cal, 'vtodo', `action.${undated.id}@meshboard`), 'status')).toBe('NEEDS-ACTION');
    // The series feed is the series' page: no personal requests in it.
    expect(summaries(cal, 'vtodo').some((t) => t.startsWith('Request'))).toBe(false);

    // Marked done through Bo's personal link: the next read has the to-do completed.
    const link = await api<PersonLinkResponse>(s.url, 'POST', `/api/series/${series.id}/people/links`, { name: 'Bo' }, series.tokens.facilitator);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/me/actions/${bo.id}`, { status: 'done' }, tokenOf(link.body.link))).status).toBe(200);
    const after = await calendarAt(url);
    expect(value(byUid(after, 'vtodo', `action.${bo.id}@meshboard`), 'status')).toBe('COMPLETED');
    expect(value(byUid(after, 'vevent', `action.${bo.id}.due@meshboard`), 'summary')).toBe(`Done: ${bo.text}`);
  });

  it('gives a rescheduled meeting its new start and a higher SEQUENCE, and a missed one STATUS:CANCELLED with a higher one still', async () => {
    const { s, clock, series } = await start();
    const { url } = await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.viewer);
    const uid = meetingUid(series.id, 1);
    const before = byUid(await calendarAt(url), 'vevent', uid);
    // Read twice without a change: the same SEQUENCE.
    expect(value(byUid(await calendarAt(url), 'vevent', uid), 'sequence')).toBe(value(before, 'sequence'));

    const moved = await api(s.url, 'PATCH', `/api/series/${series.id}/meetings/1`, { start: '08:30' }, series.tokens.facilitator);
    expect(moved.status).toBe(200);
    const rescheduled = byUid(await calendarAt(url), 'vevent', uid);
    expect([utc(rescheduled, 'dtstart'), utc(rescheduled, 'dtend')]).toEqual(['2030-01-03T07:30:00.000Z', '2030-01-03T08:15:00.000Z']);
    expect(sequence(rescheduled)).toBeGreaterThan(sequence(before));

    // Nobody starts it: past its end and the grace the series marks it missed.
    clock.advance(Date.UTC(2030, 0, 3, 8, 31) - clock.now());
    await s.app.series.tick();
    const missed = byUid(await calendarAt(url), 'vevent', uid);
    expect(value(missed, 'status')).toBe('CANCELLED');
    expect(sequence(missed)).toBeGreaterThan(sequence(rescheduled));
    // An invitation written now carries the same SEQUENCE as the feed.
    expect((await s.app.calendar.meeting(series.id, 1, null))?.sequence).toBe(sequence(missed));
    expect((await s.app.calendar.meeting(series.id, 2, null))?.status).toBe('planned');
    expect(await s.app.calendar.meeting(series.id, 3, null)).toBeNull();
  });

  it('answers 304 to If-None-Match with its ETag, and 404 to a wrong key or to the old key after a new link', async () => {
    const { s, series } = await start();
    const { url } = await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.viewer);
    const first = await read(url);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('private, max-age=300');
    const again = await read(url, { 'if-none-match': etag });
    expect([again.status, again.body]).toEqual([304, '']);

    const key = new URL(url).pathname.split('/').at(-1)!.slice(0, -4);
    const wrong = url.replace(key, `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`);
    expect((await read(wrong)).status).toBe(404);
    expect((await read(url.replace(series.id, 'no-such-series'))).status).toBe(404);
    expect((await read(`${url}.txt`)).status).toBe(404);

    // A viewer may read the URL but not replace it; the facilitator may.
    expect((await api(s.url, 'POST', `/api/series/${series.id}/calendar/rotate`, undefined, series.tokens.viewer)).status).toBe(403);
    const replaced = await api<CalendarFeedResponse>(s.url, 'POST', `/api/series/${series.id}/calendar/rotate`, undefined, series.tokens.facilitator);
    expect(replaced.status).toBe(200);
    expect(replaced.body.url).not.toBe(url);
    expect((await read(url)).status).toBe(404);
    expect((await read(replaced.body.url)).status).toBe(200);
    expect((await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.viewer)).url).toBe(replaced.body.url);
  });

  it('keeps hostile text in names and titles as text: no line of it becomes a property or a component', async () => {
    const hostile = 'Ops\r\nATTENDEE:mailto:evil@example.com\nBEGIN:VTODO';
    const { s, series, boardId } = await start({ name: hostile });
    const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
    await synced(c);
    const item = createCard(c.doc, { column: 'agenda', title: 'Hostile' });
    for (const text of HOSTILE_TEXTS) addDecision(c.doc, item, { text: `Bo: ${text} by 2030-01-09`, decidedBy: 'Ana' });
    await waitFor(
      async () =>
        (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === HOSTILE_TEXTS.length,
      'the hostile items',
    );
    c.destroy();
    const items = (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems as { text: string }[];

    const { url } = await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.viewer);
    const raw = (await read(url)).body;
    for (const line of raw.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const cal = new ICAL.Component(ICAL.parse(raw));
    expect(cal.getAllSubcomponents('vtodo')).toHaveLength(HOSTILE_TEXTS.length);
    for (const c of [...cal.getAllSubcomponents('vevent'), ...cal.getAllSubcomponents('vtodo')]) {
      expect(c.getAllProperties('attendee')).toEqual([]);
      expect(c.getAllSubcomponents()).toEqual([]);
    }
    expect(value(cal, 'x-wr-calname')).toBe(icsExpected(hostile.trim()));
    expect(value(byUid(cal, 'vevent', meetingUid(series.id, 1)), 'summary')).toBe(`${icsExpected(hostile.trim())} — meeting 1`);
    expect(summaries(cal, 'vtodo').sort()).toEqual(items.map((i) => icsExpected(i.text)).sort());
  });
});

describe('after a real meeting', () => {
  it('a meeting ended by its facilitator is in the feed as ended, with the items decided in it, under a new ETag', async () => {
    const { s, series, boardId } = await start();
    const { url } = await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.viewer);
    const before = await read(url);
    const ended: SeriesEvent[] = [];
    s.app.seriesEvents.on((e) => void (e.type === 'meeting.ended' && ended.push(e)));

    const lead = joinMeeting(s.url, { id: boardId }, series.tokens.facilitator, { name: 'Ana' });
    await lead.until(() => true, 'joined');
    expect(await lead.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
    const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
    await synced(c);
    addDecision(c.doc, createCard(c.doc, { column: 'agenda', title: 'Reports' }), { text: 'Bo sends the weekly report by 2030-01-09', decidedBy: 'Ana' });
    await waitFor(
      async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 1,
      'the item',
    );
    expect(await lead.send('meeting:end')).toMatchObject({ ok: true });
    await waitFor(() => ended.length === 1, 'the meeting.ended event');
    c.destroy();
    lead.close();

    const after = await read(url, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    const cal = new ICAL.Component(ICAL.parse(after.body));
    const meeting = byUid(cal, 'vevent', meetingUid(series.id, 1));
    const { meetings } = (await api(s.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.viewer)).body as { meetings: { endedAt: number }[] };
    expect(utc(meeting, 'dtstamp')).toBe(new Date(meetings[0].endedAt).toISOString());
    expect(value(meeting, 'status')).toBe('CONFIRMED');
    expect(summaries(cal, 'vtodo')).toEqual(['Bo sends the weekly report by 2030-01-09']);
  }, 30_000);
});

describe('a person’s feed', () => {
  it('has the meetings and only their own action items and dated requests; they can replace its URL', async () => {
    const { s, series, boardId } = await start();
    await addItems(s, series, boardId);
    const link = await api<PersonLinkResponse>(s.url, 'POST', `/api/series/${series.id}/people/links`, { name: 'bo' }, series.tokens.facilitator);
    const bo = tokenOf(link.body.link);
    const mine = await feedUrl(s, `/api/series/${series.id}/me/calendar`, bo);
    const seriesFeed = await feedUrl(s, `/api/series/${series.id}/calendar`, series.tokens.viewer);
    expect(mine.url).not.toBe(seriesFeed.url);
    // A personal link gets its own feed, not the series': the role routes refuse it.
    expect((await api(s.url, 'GET', `/api/series/${series.id}/calendar`, undefined, bo)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/me/calendar`, undefined, series.tokens.viewer)).status).toBe(403);

    const cal = await calendarAt(mine.url);
    // Named as the items write the name, whatever case the link was made with.
    expect(value(cal, 'x-wr-calname')).toBe('Ops weekly: Bo');
    expect(byUid(cal, 'vevent', meetingUid(series.id, 1))).toBeDefined();
    expect(summaries(cal, 'vtodo').sort()).toEqual(['Bo sends the weekly report by 2030-01-09', 'Request from Ana: Churn numbers']);
    const request = cal.getAllSubcomponents('vtodo').find((t) => String(t.getFirstPropertyValue('summary')).startsWith('Request'));
    expect(day(request, 'due')).toBe('2030-01-08');
    expect(summaries(cal, 'vevent').filter((t) => !t.startsWith('Ops weekly'))).toEqual([
      'Bo sends the weekly report by 2030-01-09',
      'Request from Ana: Churn numbers',
    ]);

    // A new personal link for Bo leaves the feed's URL as it was; replacing the feed changes it.
    const relinked = await api<PersonLinkResponse>(s.url, 'POST', `/api/series/${series.id}/people/links`, { name: 'Bo' }, series.tokens.facilitator);
    expect((await feedUrl(s, `/api/series/${series.id}/me/calendar`, tokenOf(relinked.body.link))).url).toBe(mine.url);
    const replaced = await api<CalendarFeedResponse>(s.url, 'POST', `/api/series/${series.id}/me/calendar/rotate`, undefined, tokenOf(relinked.body.link));
    expect(replaced.status).toBe(200);
    expect((await read(mine.url)).status).toBe(404);
    expect((await read(replaced.body.url)).status).toBe(200);
    expect((await read(seriesFeed.url)).status).toBe(200);
  });
});

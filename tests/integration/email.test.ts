/**
 * Mail through a real SMTP server (smtp-server on a free port) from a real Meshboard server: addresses are
 * confirmed first; a meeting's end, a request and its answer reach the right people in their language, with
 * both parts, headers and a calendar file; a refusing server is retried and the mail sent once; an unsubscribe
 * is honoured; the facilitator sees the outbox and resends.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';
import { createSeries } from '../helpers/series.js';
import { linkIn, startSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.js';
import { addDecision, cardText, createCard, updateCard } from '../../shared/board-schema.js';
import type { ConfigInput } from '../../server/config.js';
import type { MyEmailResponse, OutboxList } from '../../shared/email.js';
import type { PersonLinkResponse } from '../../shared/series-people.js';
import type { OpenMeetingResponse } from '../../shared/series.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { openSqliteStores } from '../../server/store/sqlite-stores.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(config: ConfigInput = {}, clock?: FakeClock) {
  const smtp = await startSmtp();
  const s = await startServer({
    config: { smtpUrl: smtp.url, mailFrom: 'Meshboard <board@example.org>', notifySettleMs: 0, outboxRetryMs: [50, 50], ...config },
    deps: clock ? { clock } : undefined,
  });
  cleanup.push(
    () => smtp.stop(),
    () => s.stop(),
  );
  const series = await createSeries(s.url);
  return { smtp, s, series, boardId: series.body.meetings[0].boardId as string };
}

const tokenOf = (link: string | URL) => new URL(link).searchParams.get('token')!;
/** A header as sent (mailparser reads some, such as List-*, into structures of its own). */
function headerOf(m: ReceivedMail, name: string): string {
  const head = m.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (!line) return '';
  const value = line.slice(name.length + 1).trim();
  return name.toLowerCase() === 'subject' ? String(m.parsed.subject ?? '') : value;
}

async function personalToken(s: TestServer, seriesId: string, facilitator: string, name: string): Promise<string> {
  const res = await api<PersonLinkResponse>(s.url, 'POST', `/api/series/${seriesId}/people/links`, { name }, facilitator);
  expect(res.status).toBe(201);
  return tokenOf(res.body.link);
}

/** Gives the person's address through their personal link and confirms it from the mail, as they would. */
async function giveAddress(s: TestServer, smtp: TestSmtp, seriesId: string, token: string, address: string, lang: 'en' | 'de') {
  const set = await api<MyEmailResponse>(s.url, 'PUT', `/api/series/${seriesId}/me/email`, { address, lang }, token);
  expect(set.status).toBe(200);
  expect(set.body).toMatchObject({ enabled: true, address, confirmed: false });
  const [mail] = await smtp.waitFor(
    (m) => m.to.includes(address) && headerOf(m, 'subject').length > 0 && !headerOf(m, 'list-unsubscribe'),
    `confirmation to ${address}`,
  );
  const confirmed = await api(s.url, 'POST', '/api/email/confirm', { token: tokenOf(linkIn(mail, '/email/confirm')) });
  expect(confirmed.status).toBe(200);
  return mail;
}

async function seat(s: TestServer, boardId: string, token: string, name: string): Promise<MeetingClient> {
  const m = joinMeeting(s.url, { id: boardId }, token, { name });
  cleanup.push(async () => m.close());
  await m.until(() => true, `${name} seated`);
  return m;
}

describe('mail', () => {
  it('sends nothing but a confirmation until the address is confirmed; after a meeting each attendee gets the summary and each owner their items with a calendar file, in their language', async () => {
    const { smtp, s, series, boardId } = await setup();
    const ana = await personalToken(s, series.id, series.tokens.facilitator, 'Ana');
    const bo = await personalToken(s, series.id, series.tokens.facilitator, 'Bo');
    const confirmation = await giveAddress(s, smtp, series.id, ana, 'ana@example.org', 'en');
    expect(headerOf(confirmation, 'subject')).toBe('Confirm your address for “Ops weekly”');
    expect(confirmation.parsed.html).toContain('Confirm my address');
    await giveAddress(s, smtp, series.id, bo, 'bo@example.de', 'de');
    // Cleo gives an address and never confirms it: she gets no mail after the meeting.
    const cleo = await personalToken(s, series.id, series.tokens.facilitator, 'Cleo');
    expect((await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'cleo@example.org', lang: 'en' }, cleo)).status).toBe(200);

    const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
    cleanup.push(async () => c.destroy());
    await synced(c);
    const item = createCard(c.doc, { column: 'agenda', title: 'Reports' });
    addDecision(c.doc, item, { text: 'Bo sends the <b>weekly</b> report', owners: 'Bo', due: '2030-01-09', decidedBy: 'Ana' });
    addDecision(c.doc, item, { text: 'Ana books the room', owners: 'Ana', due: '2030-01-08', decidedBy: 'Ana' });
    const lead = await seat(s, boardId, series.tokens.facilitator, 'Ana');
    await seat(s, boardId, series.tokens.participant, 'Bo');
    await seat(s, boardId, series.tokens.participant, 'Cleo');
    expect(await lead.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
    await waitFor(
      async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 2,
      'two items',
    );
    expect(await lead.send('meeting:end')).toMatchObject({ ok: true });

    const [anaSummary] = await smtp.waitFor((m) => m.to.includes('ana@example.org') && headerOf(m, 'subject').startsWith('Summary:'), 'Ana’s summary');
    const [boSummary] = await smtp.waitFor(
      (m) => m.to.includes('bo@example.de') && headerOf(m, 'subject').startsWith('Zusammenfassung:'),
      'Bo’s summary (German)',
    );
    const [boItems] = await smtp.waitFor((m) => m.to.includes('bo@example.de') && headerOf(m, 'subject').startsWith('Ihre Aufgabe'), 'Bo’s items');
    await smtp.waitFor((m) => m.to.includes('ana@example.org') && headerOf(m, 'subject').startsWith('Your action item'), 'Ana’s items');

    // Both parts, the user's text escaped in HTML, the headers a mail app needs, the language.
    expect(anaSummary.parsed.text).toContain('Bo sends the <b>weekly</b> report — Bo, due Wed, 9 Jan 2030');
    expect(anaSummary.parsed.text).toContain('Decisions\n---------\n- Reports: Bo sends the <b>weekly</b> report');
    expect(anaSummary.parsed.html).toContain('Bo sends the &lt;b&gt;weekly&lt;/b&gt; report');
    expect(boSummary.parsed.text).toContain('fällig am Mi., 9. Jan. 2030');
    expect(headerOf(boSummary, 'content-language')).toBe('de');
    expect(headerOf(boSummary, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headerOf(boSummary, 'list-unsubscribe')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/email\/unsubscribe\?token=m1\./);
    expect(boItems.parsed.text).toContain('Bo sends the <b>weekly</b> report');
    expect(boItems.parsed.text).not.toContain('Ana books the room');
    expect(boItems.to).toEqual(['bo@example.de']);

    // The calendar file, parsed back: Bo's item as an all-day event and a to-do on its due day.
    const ics = boItems.parsed.attachments.find((a) => a.filename === 'action-items.ics');
    expect(ics?.contentType).toBe('text/calendar');
    const cal = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    const todos = cal.getAllSubcomponents('vtodo');
    expect(todos.map((t) => t.getFirstPropertyValue('summary'))).toEqual(['Bo sends the <b>weekly</b> report']);
    expect(String(todos[0].getFirstPropertyValue('due'))).toBe('2030-01-09');

    // The link in the mail opens Bo's own page, no other token needed.
    const link = linkIn(boItems, `/s/${series.id}/me`);
    const mine = await api(s.url, 'GET', `/api/series/${series.id}/me`, undefined, tokenOf(link));
    expect(mine.status).toBe(200);
    expect(mine.body.name).toBe('Bo');
    expect(smtp.received.filter((m) => m.to.includes('cleo@example.org')).map((m) => headerOf(m, 'subject'))).toEqual([
      'Confirm your address for “Ops weekly”',
    ]);
    // Once each: the events behind these mails may be seen again (a restart); the outbox keys make them once.
    await s.app.outbox.idle();
    expect(smtp.received.filter((m) => m.to.includes('bo@example.de')).length).toBe(3);
  }, 60_000);

  it('mails a request to its addressee once it has settled, its answer to the asker, and honours a one-click unsubscribe', async () => {
    const { smtp, s, series, boardId } = await setup();
    const ana = await personalToken(s, series.id, series.tokens.facilitator, 'Ana');
    const bo = await personalToken(s, series.id, series.tokens.facilitator, 'Bo');
    await giveAddress(s, smtp, series.id, ana, 'ana@example.org', 'en');
    await giveAddress(s, smtp, series.id, bo, 'bo@example.de', 'de');
    const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
    cleanup.push(async () => c.destroy());
    await synced(c);

    // Typed in steps, as a person types: one mail, with the words it ended with.
    const churn = createCard(c.doc, { column: 'needs', asker: 'Ana', addressee: 'Bo', what: 'Churn' });
    const what = cardText(c.doc, churn, 'what')!;
    what.insert(what.length, ' numbers');
    what.insert(what.length, ' for Q3');
    updateCard(c.doc, churn, { byWhen: '2030-01-20' });
    const [ask] = await smtp.waitFor((m) => m.to.includes('bo@example.de') && headerOf(m, 'subject') === 'Ana braucht etwas von Ihnen', 'the request to Bo');
    expect(ask.parsed.text).toContain('Churn numbers for Q3');
    expect(ask.parsed.text).toContain('Bis: 2030-01-20');

    // Bo answers through his own link, as the addressee does.
    const answer = (cardId: string, body: object) => api(s.url, 'POST', `/api/series/${series.id}/me/requests/${cardId}`, body, bo);
    expect((await answer(churn, { status: 'declined', reason: 'No data before March' })).status).toBe(200);
    const [answered] = await smtp.waitFor(
      (m) => m.to.includes('ana@example.org') && headerOf(m, 'subject') === 'Bo declined your request',
      'the answer to Ana',
    );
    expect(answered.parsed.text).toContain('Reason: No data before March');

    // Ana turns answers off with one click (RFC 8058: a form POST to the header's URL).
    const oneClick = headerOf(answered, 'list-unsubscribe').slice(1, -1);
    const res = await fetch(oneClick, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect((await api<MyEmailResponse>(s.url, 'GET', `/api/series/${series.id}/me/email`, undefined, ana)).body.kinds).toMatchObject({
      answer: false,
      ask: true,
    });
    // A GET of that URL never unsubscribes (mail scanners follow links): it opens the page that asks.
    const get = await fetch(oneClick, { redirect: 'manual' });
    expect(get.status).toBe(303);
    expect(get.headers.get('location')).toMatch(/^\/email\/unsubscribe\?token=m1\./);

    const budget = createCard(c.doc, { column: 'needs', asker: 'Ana', addressee: 'Bo', what: 'Budget' });
    await smtp.waitFor((m) => m.to.includes('bo@example.de') && m.parsed.text!.includes('Budget'), 'the second request to Bo');
    expect((await answer(budget, { status: 'accepted' })).status).toBe(200);
    createCard(c.doc, { column: 'needs', asker: 'Bo', addressee: 'Ana', what: 'Release notes' });
    await smtp.waitFor((m) => m.to.includes('ana@example.org') && m.parsed.text!.includes('Release notes'), 'a later request to Ana');
    await s.app.outbox.idle();
    expect(smtp.received.filter((m) => m.to.includes('ana@example.org') && headerOf(m, 'subject').includes('accepted'))).toEqual([]);
    expect(smtp.received.filter((m) => headerOf(m, 'subject') === 'Ana braucht etwas von Ihnen').length).toBe(2);
  }, 60_000);

  it('retries a refusing server and sends once; shows the facilitator what failed and why, and resends', async () => {
    const { smtp, s, series } = await setup();
    const ana = await personalToken(s, series.id, series.tokens.facilitator, 'Ana');
    smtp.refuseNext(2);
    await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'ana@example.org', lang: 'en' }, ana);
    await smtp.waitFor((m) => m.to.includes('ana@example.org'), 'the confirmation, third time lucky');
    await s.app.outbox.idle();
    expect(smtp.refused()).toBe(2);
    expect(smtp.received.length).toBe(1);
    const log = await api<OutboxList>(s.url, 'GET', `/api/series/${series.id}/outbox`, undefined, series.tokens.facilitator);
    expect(log.status).toBe(200);
    expect(log.body.entries).toEqual([
      expect.objectContaining({ channel: 'email', kind: 'confirm', recipient: 'a•••@example.org', status: 'sent', attempts: 3 }),
    ]);

    // Refused every time: given up after the retries, with the server's words; then sent again by hand.
    smtp.refuseNext(3);
    await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'ana@example.net', lang: 'en' }, ana);
    await waitFor(async () => (await s.app.outbox.list(series.id)).some((m) => m.status === 'failed'), 'given up');
    const entries = (await api<OutboxList>(s.url, 'GET', `/api/series/${series.id}/outbox`, undefined, series.tokens.facilitator)).body.entries;
    // The replaced address is forgotten as a removed one is.
    expect(entries.find((e) => e.status === 'sent')?.recipient).toBe('(removed)');
    const failed = entries.find((e) => e.status === 'failed')!;
    expect(failed).toMatchObject({ recipient: 'a•••@example.net', attempts: 3 });
    expect(failed.lastError).toContain('Try again later');
    expect((await api(s.url, 'POST', `/api/series/${series.id}/outbox/${failed.id}/resend`, undefined, series.tokens.participant)).status).toBe(403);
    const again = await api(s.url, 'POST', `/api/series/${series.id}/outbox/${failed.id}/resend`, undefined, series.tokens.facilitator);
    expect(again.status).toBe(200);
    await smtp.waitFor((m) => m.to.includes('ana@example.net'), 'the resent confirmation');
    expect((await api(s.url, 'GET', `/api/series/${series.id}/outbox`, undefined, series.tokens.participant)).status).toBe(403);
  }, 60_000);

  it('a mail server that is down never holds a meeting up; removing an address cancels what waits for it and blanks it in the log', async () => {
    const smtp = await startSmtp();
    await smtp.stop(); // nothing listens on its port now
    const s = await startServer({ config: { smtpUrl: smtp.url, mailFrom: 'board@example.org', notifySettleMs: 0, outboxRetryMs: [60_000] } });
    cleanup.push(() => s.stop());
    const series = await createSeries(s.url);
    const ana = await personalToken(s, series.id, series.tokens.facilitator, 'Ana');
    expect((await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'ana@example.org', lang: 'en' }, ana)).status).toBe(200);
    await waitFor(async () => (await s.app.outbox.list(series.id))[0]?.attempts === 1, 'one failed attempt');
    const [waiting] = await s.app.outbox.list(series.id);
    expect(waiting).toMatchObject({ status: 'pending', recipient: 'ana@example.org' });
    expect(waiting.lastError).toMatch(/ECONNREFUSED|connect/i);

    const boardId = series.body.meetings[0].boardId;
    const lead = await seat(s, boardId, series.tokens.facilitator, 'Ana');
    expect(await lead.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
    expect(await lead.send('meeting:end')).toMatchObject({ ok: true });

    expect((await api(s.url, 'DELETE', `/api/series/${series.id}/me/email`, undefined, ana)).status).toBe(204);
    const [gone] = await s.app.outbox.list(series.id);
    expect(gone).toMatchObject({ status: 'cancelled', recipient: '(removed)', payload: {} });
    expect((await api<MyEmailResponse>(s.url, 'GET', `/api/series/${series.id}/me/email`, undefined, ana)).body).toMatchObject({
      address: null,
      confirmed: false,
    });
  }, 60_000);

  it('refuses a bad address with a clear error, and an address at all when the server has no SMTP', async () => {
    const { s, series } = await setup();
    const ana = await personalToken(s, series.id, series.tokens.facilitator, 'Ana');
    const bad = await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'not an address', lang: 'en' }, ana);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('address');
    expect((await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'a@example.org', lang: 'fr' }, ana)).status).toBe(400);
    expect((await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'a@example.org', lang: 'en' }, 'm1.forged.token')).status).toBe(403);
    expect((await api(s.url, 'POST', '/api/email/confirm', { token: 'm1.eyJwIjoiY29uZmlybSJ9.forged' })).status).toBe(400);

    const plain = await startServer();
    cleanup.push(() => plain.stop());
    const other = await createSeries(plain.url);
    const bo = await personalToken(plain, other.id, other.tokens.facilitator, 'Bo');
    expect((await api<MyEmailResponse>(plain.url, 'GET', `/api/series/${other.id}/me/email`, undefined, bo)).body.enabled).toBe(false);
    const refused = await api(plain.url, 'PUT', `/api/series/${other.id}/me/email`, { address: 'bo@example.org', lang: 'en' }, bo);
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toContain('SMTP_URL');
  });

  it('invites to the next meeting with an iCalendar event, updates it when the meeting moves, and sends reminders and the overdue digest on the clock, once each', async () => {
    // Monday 7 January 2030, 10:00 in Berlin: the series' next meeting is on Thursday the 10th.
    const clock = new FakeClock(Date.UTC(2030, 0, 7, 9, 0));
    const { smtp, s, series, boardId } = await setup({}, clock);
    expect((await api(s.url, 'PATCH', `/api/series/${series.id}`, { overdueDigest: true, reminderDaysBefore: 1 }, series.tokens.facilitator)).status).toBe(200);
    const ana = await personalToken(s, series.id, series.tokens.facilitator, 'Ana');
    await giveAddress(s, smtp, series.id, ana, 'ana@example.org', 'de');

    const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
    cleanup.push(async () => c.destroy());
    await synced(c);
    const item = createCard(c.doc, { column: 'agenda', title: 'Reports' });
    addDecision(c.doc, item, { text: 'Ana books the room', owners: 'Ana', due: '2030-01-08', decidedBy: 'Ana' });
    addDecision(c.doc, item, { text: 'Ana files the expenses', owners: 'Ana', due: '2030-01-03', decidedBy: 'Ana' });
    addDecision(c.doc, item, { text: 'Ana plans the offsite', owners: 'Ana', due: '2030-03-01', decidedBy: 'Ana' });
    await waitFor(
      async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 3,
      'items',
    );

    // The server's own clock runs this work every five minutes: twice here, and still one mail each.
    clock.advance(5 * 60_000);
    const [reminder] = await smtp.waitFor((m) => m.to.includes('ana@example.org') && m.parsed.subject === 'Morgen fällig: Ana books the room', 'the reminder');
    await s.app.outbox.idle();
    clock.advance(5 * 60_000);
    await s.app.reach.tick();
    expect(reminder.parsed.text).toContain('Diese Aufgabe ist morgen fällig:');
    const [digest] = await smtp.waitFor((m) => m.parsed.subject === '1 überfällige Aufgabe in „Ops weekly“', 'the digest');
    expect(digest.parsed.text).toContain('Ana files the expenses (war fällig am Do., 3. Jan. 2030)');
    await s.app.outbox.idle();
    expect(
      smtp.received
        .filter((m) => m.to.includes('ana@example.org'))
        .map((m) => m.parsed.subject)
        .sort(),
    ).toEqual(['1 überfällige Aufgabe in „Ops weekly“', 'Bitte bestätigen Sie Ihre Adresse für „Ops weekly“', 'Morgen fällig: Ana books the room'].sort());

    const opened = await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, { after: 1 }, series.tokens.facilitator);
    expect(opened.status).toBe(201);
    const [invite] = await smtp.waitFor((m) => String(m.parsed.subject).startsWith('Einladung: Ops weekly'), 'the invitation');
    const event = (mail: ReceivedMail) => {
      const part = mail.parsed.attachments.find((a) => a.contentType === 'text/calendar')!;
      const cal = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
      return { method: cal.getFirstPropertyValue('method'), vevent: cal.getFirstSubcomponent('vevent')! };
    };
    const first = event(invite);
    expect(first.method).toBe('REQUEST');
    expect(first.vevent.getFirstPropertyValue('dtstart')!.toString()).toBe('2030-01-10T09:00:00Z');
    expect(String(first.vevent.getFirstPropertyValue('attendee'))).toBe('mailto:ana@example.org');
    expect(String(first.vevent.getFirstPropertyValue('organizer'))).toBe('mailto:board@example.org');

    const moved = await api(s.url, 'PATCH', `/api/series/${series.id}/meetings/2`, { start: '14:00' }, series.tokens.facilitator);
    expect(moved.status).toBe(200);
    const [update] = await smtp.waitFor((m) => String(m.parsed.subject).startsWith('Verschoben: Ops weekly'), 'the update');
    const second = event(update);
    expect(second.vevent.getFirstPropertyValue('uid')).toBe(first.vevent.getFirstPropertyValue('uid'));
    expect(second.vevent.getFirstPropertyValue('dtstart')!.toString()).toBe('2030-01-10T13:00:00Z');
    expect(Number(second.vevent.getFirstPropertyValue('sequence'))).toBeGreaterThan(Number(first.vevent.getFirstPropertyValue('sequence')));
  }, 60_000);

  it('a mail server that takes the connection and never answers holds up neither the form, nor the meeting, nor the server stopping', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    cleanup.push(async () => {
      for (const h of held) h.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });
    const s = await startServer({
      config: { smtpUrl: `smtp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, mailFrom: 'board@example.org', notifySettleMs: 0 },
    });
    const series = await createSeries(s.url);
    const ana = await personalToken(s, series.id, series.tokens.facilitator, 'Ana');
    expect((await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'ana@example.org', lang: 'en' }, ana)).status).toBe(200);
    await waitFor(() => held.length === 1, 'the attempt under way');

    const boardId = series.body.meetings[0].boardId;
    const lead = await seat(s, boardId, series.tokens.facilitator, 'Ana');
    expect(await lead.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
    expect(await lead.send('meeting:end')).toMatchObject({ ok: true });
    lead.close();
    const [waiting] = await s.app.outbox.list(series.id);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    // Stopping does not wait for the mail server to give up (its greeting timeout is 10 s): the attempt is not
    // yet recorded as failed when the database closes, and the mail waits, stored, for the next start.
    await s.stop();
    const stored = openSqliteStores(s.dataDir);
    cleanup.push(() => stored.close());
    expect(await stored.outbox.list(series.id, 10)).toEqual([expect.objectContaining({ status: 'pending', attempts: 0, recipient: 'ana@example.org' })]);
  }, 60_000);
});

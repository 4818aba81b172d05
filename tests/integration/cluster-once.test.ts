/**
 * Work that must happen once per board or per series happens once with several instances: a meeting's end
 * and its action items reach a webhook once, mail goes out once, and the series clock opens the next meeting
 * once, whichever instance each person is on.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addDecision, createCard } from '../../shared/board-schema.js';
import type { OutboxList } from '../../shared/email.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';
import { createSeries } from '../helpers/series.js';
import { api } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let cluster: TestCluster | null = null;
const receivers: http.Server[] = [];
const clients: Array<YClient | MeetingClient> = [];
afterEach(async () => {
  for (const c of clients.splice(0)) ('destroy' in c ? c.destroy() : c.close());
  await cluster?.stop();
  cluster = null;
  for (const r of receivers.splice(0)) {
    r.closeAllConnections();
    await new Promise((done) => r.close(done));
  }
});

/** A webhook receiver on 127.0.0.1 that records each request's event type. */
async function receiver() {
  const got: string[] = [];
  const srv = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      got.push((JSON.parse(data) as { type: string }).type);
      res.writeHead(200).end('ok');
    });
  });
  receivers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, got };
}

describe('once-only work with three instances', () => {
  it('a meeting run across three instances reaches its webhook once with its action item and once with its end', async () => {
    cluster = await startCluster(3, { config: { webhookAllowHosts: ['127.0.0.1'], outboxRetryMs: [50, 50] } });
    const [a, b, c] = cluster.servers;
    const series = await createSeries(a.url);
    const boardId = series.body.meetings[0].boardId;
    const hook = await receiver();
    const added = await api(b.url, 'POST', `/api/series/${series.id}/webhooks`, { url: hook.url, format: 'standard', events: ['action_item.created', 'meeting.ended'] }, series.tokens.facilitator);
    expect(added.status).toBe(201);

    const ys = [a, b, c].map((s) => connect(s.wsUrl, { id: boardId, tokens: series.tokens }));
    clients.push(...ys);
    for (const y of ys) await synced(y);
    const lead = joinMeeting(c.url, { id: boardId }, series.tokens.facilitator, { name: 'Ana' });
    const bo = joinMeeting(a.url, { id: boardId }, series.tokens.participant, { name: 'Bo' });
    clients.push(lead, bo);
    await lead.until((s) => s.roster.filter((r) => r.online).length === 2, 'both seated');
    const item = createCard(ys[1].doc, { column: 'agenda', title: 'Reports' });
    addDecision(ys[1].doc, item, { text: 'Bo sends the report', owners: 'Bo', due: '2030-01-09', decidedBy: 'Ana' });
    await waitFor(() => hook.got.includes('action_item.created'), 'the action item at the hook');
    expect(await lead.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
    expect(await lead.send('meeting:end')).toMatchObject({ ok: true });
    await waitFor(() => hook.got.includes('meeting.ended'), 'the meeting end at the hook');

    // Every instance has nothing left to send: what arrived is all that ever will.
    await Promise.all(cluster.servers.map((s) => s.app.outbox.idle()));
    expect(hook.got.sort()).toEqual(['action_item.created', 'meeting.ended']);
    // Two messages, each sent on its first attempt by the one instance that sends (the clock's holder).
    const log = await api<OutboxList>(a.url, 'GET', `/api/series/${series.id}/outbox`, undefined, series.tokens.facilitator);
    expect(log.body.entries.map((e) => [e.kind, e.status, e.attempts]).sort()).toEqual([
      ['action_item.created', 'sent', 1],
      ['meeting.ended', 'sent', 1],
    ]);
    expect(cluster.servers.filter((s) => s.app.cluster!.holdsClock())).toHaveLength(1);
  }, 60_000);

  it('the series clock, ticking on every instance at once, opens the next meeting once', async () => {
    const clock = new FakeClock(Date.UTC(2030, 0, 2, 8, 0, 0));
    cluster = await startCluster(3, { deps: { clock } });
    const [a] = cluster.servers;
    const series = await createSeries(a.url, { openBeforeMinutes: 24 * 60 });
    expect(series.body.meetings).toHaveLength(1);
    // The first meeting (Thursday 3 January) was missed; the next (10 January, 09:00 UTC) opens a day before it.
    clock.advance(8 * 24 * 3_600_000);
    await waitFor(() => cluster!.servers.some((s) => s.app.cluster!.holdsClock()), 'an instance holds the clock');
    await Promise.all(cluster.servers.map((s) => s.app.series.tick()));
    await Promise.all(cluster.servers.map((s) => s.app.series.tick()));
    const got = await api(a.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.facilitator);
    expect(got.body.meetings.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
  });
});

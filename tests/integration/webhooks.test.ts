/**
 * Series webhooks end to end: a real server sends each event to a real HTTP receiver on 127.0.0.1, signed the
 * Standard Webhooks way — checked here with the `standardwebhooks` package, an implementation independent of
 * ours — retried through the outbox with the same `webhook-id`, logged per endpoint, and managed over REST by
 * the series' facilitator only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../server/config.js';
import { API_ROUTES } from '../../server/http/openapi.js';
import type { WebhookDelivery } from '../../shared/webhooks.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { createSeries } from '../helpers/series.js';
import { itemEvent, meetingEndedEvent } from '../helpers/series-events.js';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';
import { addDecision, createCard } from '../../shared/board-schema.js';

const servers: TestServer[] = [];
const receivers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const r of receivers.splice(0)) {
    r.closeAllConnections();
    await new Promise((done) => r.close(done));
  }
});

async function start(config: ConfigInput = {}): Promise<TestServer> {
  const s = await startServer({ config: { webhookAllowHosts: ['127.0.0.1'], outboxRetryMs: [50, 50], ...config } });
  servers.push(s);
  return s;
}

interface Received {
  body: string;
  headers: Record<string, string>;
}

/** A receiver on 127.0.0.1 that records each request and answers the next of `statuses` (the last one repeats). */
async function receiver(statuses: number[] = [200]) {
  const got: Received[] = [];
  const srv = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      got.push({ body: data, headers: req.headers as Record<string, string> });
      res.writeHead(statuses[Math.min(got.length, statuses.length) - 1]).end('ok');
    });
  });
  receivers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, got };
}

async function addHook(s: TestServer, seriesId: string, token: string, body: Record<string, unknown>) {
  const res = await api(s.url, 'POST', `/api/series/${seriesId}/webhooks`, { format: 'standard', events: ['action_item.created'], ...body }, token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { webhook: { id: string }; secret: string };
}

async function deliveries(s: TestServer, seriesId: string, hookId: string, token: string): Promise<WebhookDelivery[]> {
  const res = await api(s.url, 'GET', `/api/series/${seriesId}/webhooks/${hookId}/deliveries`, undefined, token);
  expect(res.status).toBe(200);
  return res.body.deliveries;
}

describe('series webhooks', () => {
  it('delivers an event signed so that an independent Standard Webhooks implementation verifies it, and a tampered body fails', async () => {
    const s = await start({ publicUrl: 'https://meshboard.example.org' });
    const series = await createSeries(s.url);
    const rx = await receiver();
    const { secret } = await addHook(s, series.id, series.tokens.facilitator, { url: rx.url });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    s.app.seriesEvents.emit(itemEvent(series.id, 'action_item.created', { item: { text: 'Ship the fix', owners: ['Sam'] } }));
    await waitFor(() => rx.got.length === 1, 'the delivery');
    const { body, headers } = rx.got[0];

    const verified = new Webhook(secret).verify(body, headers) as {
      type: string;
      timestamp: string;
      data: { series: { url: string }; item: { text: string; url: string } };
    };
    expect(verified.type).toBe('action_item.created');
    expect(verified.timestamp).toBe('2030-01-03T09:00:00.000Z');
    expect(verified.data.item.text).toBe('Ship the fix');
    expect(verified.data.series.url).toBe(`https://meshboard.example.org/s/${series.id}`);
    expect(body).not.toContain('token');
    expect(headers['content-type']).toBe('application/json');

    const tampered = body.replace('Ship the fix', 'Ship the bug');
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow();
    const otherSecret = (await addHook(s, series.id, series.tokens.facilitator, { url: rx.url })).secret;
    expect(() => new Webhook(otherSecret).verify(body, headers)).toThrow();
  });

  it('retries a 503 with the same webhook-id, and the log shows two attempts and sent', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const rx = await receiver([503, 200]);
    const { webhook, secret } = await addHook(s, series.id, series.tokens.facilitator, { url: rx.url });

    s.app.seriesEvents.emit(itemEvent(series.id));
    await waitFor(async () => (await deliveries(s, series.id, webhook.id, series.tokens.facilitator))[0]?.status === 'sent', 'the delivery sent');
    await s.app.outbox.idle();

    expect(rx.got).toHaveLength(2);
    expect(rx.got[1].headers['webhook-id']).toBe(rx.got[0].headers['webhook-id']);
    for (const r of rx.got) expect(() => new Webhook(secret).verify(r.body, r.headers)).not.toThrow();
    const [d] = await deliveries(s, series.id, webhook.id, series.tokens.facilitator);
    expect(d).toMatchObject({ id: rx.got[0].headers['webhook-id'], event: 'action_item.created', status: 'sent', attempts: 2, responseStatus: 200 });
    expect(d.sentAt).not.toBeNull();
  });

  it('gives a 410 up at once, and a resend tries it again with the same id', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const rx = await receiver([410, 200]);
    const { webhook } = await addHook(s, series.id, series.tokens.facilitator, { url: rx.url });

    s.app.seriesEvents.emit(itemEvent(series.id));
    await waitFor(async () => (await deliveries(s, series.id, webhook.id, series.tokens.facilitator))[0]?.status === 'failed', 'the delivery failed');
    await s.app.outbox.idle();
    expect(rx.got).toHaveLength(1);
    const [d] = await deliveries(s, series.id, webhook.id, series.tokens.facilitator);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 410', responseStatus: 410 });

    const again = await api(s.url, 'POST', `/api/series/${series.id}/webhooks/${webhook.id}/deliveries/${d.id}/resend`, undefined, series.tokens.facilitator);
    expect(again.status).toBe(202);
    await waitFor(async () => (await deliveries(s, series.id, webhook.id, series.tokens.facilitator))[0]?.status === 'sent', 'the resend sent');
    expect(rx.got.map((r) => r.headers['webhook-id'])).toEqual([d.id, d.id]);
  });

  it('sends an endpoint only the event types it subscribed to, and the same event emitted twice once', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const rx = await receiver();
    await addHook(s, series.id, series.tokens.facilitator, { url: rx.url, events: ['meeting.ended', 'action_item.done'] });

    s.app.seriesEvents.emit(itemEvent(series.id, 'action_item.created'));
    s.app.seriesEvents.emit(itemEvent(series.id, 'action_item.overdue'));
    const done = itemEvent(series.id, 'action_item.done', { key: 'done:ai_1' });
    s.app.seriesEvents.emit(done);
    s.app.seriesEvents.emit(done);
    s.app.seriesEvents.emit(meetingEndedEvent(series.id));
    await s.app.seriesEvents.settled();
    await waitFor(() => rx.got.length >= 2, 'two deliveries');
    await s.app.outbox.idle();

    expect(rx.got.map((r) => JSON.parse(r.body).type).sort()).toEqual(['action_item.done', 'meeting.ended']);
  });

  it("does not send a removed endpoint's waiting deliveries", async () => {
    const s = await start({ outboxRetryMs: [3_600_000] });
    const series = await createSeries(s.url);
    const rx = await receiver([503]);
    const { webhook } = await addHook(s, series.id, series.tokens.facilitator, { url: rx.url });
    s.app.seriesEvents.emit(itemEvent(series.id));
    await waitFor(async () => (await deliveries(s, series.id, webhook.id, series.tokens.facilitator))[0]?.attempts === 1, 'the first attempt');
    const [d] = await deliveries(s, series.id, webhook.id, series.tokens.facilitator);
    expect(d.status).toBe('pending');

    expect((await api(s.url, 'DELETE', `/api/series/${series.id}/webhooks/${webhook.id}`, undefined, series.tokens.facilitator)).status).toBe(204);
    expect((await s.app.outbox.get(d.id))?.status).toBe('cancelled');
    expect((await api(s.url, 'GET', `/api/series/${series.id}/webhooks`, undefined, series.tokens.facilitator)).body.webhooks).toEqual([]);
  });

  it('sends a test event on request, logged under webhook.test', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const rx = await receiver();
    const { webhook, secret } = await addHook(s, series.id, series.tokens.facilitator, { url: rx.url, format: 'slack' });
    const res = await api(s.url, 'POST', `/api/series/${series.id}/webhooks/${webhook.id}/test`, undefined, series.tokens.facilitator);
    expect(res.status).toBe(202);
    expect(res.body.delivery).toMatchObject({ event: 'webhook.test', status: 'pending', attempts: 0 });
    await waitFor(() => rx.got.length === 1, 'the test delivery');
    expect(() => new Webhook(secret).verify(rx.got[0].body, rx.got[0].headers)).not.toThrow();
    expect(JSON.parse(rx.got[0].body).text).toContain('test message');
  });
});

describe('series webhooks from a real meeting', () => {
  it('a meeting that ends reaches a Mattermost endpoint with its decisions and action items, and a new action item a standard one', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const boardId = series.body.meetings[0].boardId;
    const chat = await receiver();
    const tool = await receiver();
    await addHook(s, series.id, series.tokens.facilitator, { url: chat.url, format: 'mattermost', events: ['meeting.ended'] });
    const { secret } = await addHook(s, series.id, series.tokens.facilitator, { url: tool.url, events: ['action_item.created'] });

    const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
    const lead = joinMeeting(s.url, { id: boardId }, series.tokens.facilitator, { name: 'Ana' });
    try {
      await synced(c);
      const item = createCard(c.doc, { column: 'agenda', title: 'Reports' });
      addDecision(c.doc, item, { text: 'Bo sends the report @channel', owners: 'Bo', due: '2030-01-09', decidedBy: 'Ana' });
      await lead.until(() => true, 'Ana seated');
      expect(await lead.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
      await waitFor(() => tool.got.length === 1, 'the action item at the tool');
      expect(await lead.send('meeting:end')).toMatchObject({ ok: true });
      await waitFor(() => chat.got.length === 1, 'the meeting end in the chat');
    } finally {
      lead.close();
      c.destroy();
    }

    const created = new Webhook(secret).verify(tool.got[0].body, tool.got[0].headers) as { type: string; data: { item: { text: string; owners: string[] } } };
    expect(created).toMatchObject({ type: 'action_item.created', data: { item: { text: 'Bo sends the report @channel', owners: ['Bo'] } } });
    const text = JSON.parse(chat.got[0].body).text as string;
    expect(text).toMatch(/^\*\*Ops weekly\*\*: meeting 1 .* ended\n1 decision · 1 action item\n- Bo sends the report @\u200Dchannel — Bo · due 2030-01-09\n/);
  }, 30_000);
});

describe('series webhook endpoints over REST', () => {
  it('refuses a private address when the operator allowed none, saying why', async () => {
    const s = await start({ webhookAllowHosts: [] });
    const series = await createSeries(s.url);
    const res = await api(
      s.url,
      'POST',
      `/api/series/${series.id}/webhooks`,
      { url: 'http://127.0.0.1:9/hook', format: 'standard', events: ['meeting.ended'] },
      series.tokens.facilitator,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', field: 'url' });
    expect(res.body.error.message).toMatch(/loopback.*WEBHOOK_ALLOW_HOSTS/);
  });

  it('validates the body: http(s) URL, a known format, at least one known event', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const post = (body: unknown) => api(s.url, 'POST', `/api/series/${series.id}/webhooks`, body, series.tokens.facilitator);
    expect((await post({ url: 'ftp://127.0.0.1/x', format: 'standard', events: ['meeting.ended'] })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1/x', format: 'discord', events: ['meeting.ended'] })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1/x', format: 'slack', events: [] })).status).toBe(400);
    expect((await post({ url: 'http://127.0.0.1/x', format: 'slack', events: ['board.deleted'] })).status).toBe(400);
    expect((await post({ url: `http://127.0.0.1/${'x'.repeat(2000)}`, format: 'slack', events: ['meeting.ended'] })).status).toBe(400);
  });

  it('lists endpoints without their secrets and keeps at most ten per series', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const t = series.tokens.facilitator;
    for (let i = 0; i < 10; i++) await addHook(s, series.id, t, { url: `http://127.0.0.1:9/${i}` });
    const eleventh = await api(
      s.url,
      'POST',
      `/api/series/${series.id}/webhooks`,
      { url: 'http://127.0.0.1:9/x', format: 'standard', events: ['meeting.ended'] },
      t,
    );
    expect(eleventh.status).toBe(409);
    const list = await api(s.url, 'GET', `/api/series/${series.id}/webhooks`, undefined, t);
    expect(list.body.webhooks).toHaveLength(10);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
  });

  it("refuses participant and viewer links, and another series' facilitator link", async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const other = await createSeries(s.url, { name: 'Other' });
    const { webhook } = await addHook(s, series.id, series.tokens.facilitator, { url: 'http://127.0.0.1:9/hook' });
    const base = `/api/series/${series.id}/webhooks`;
    const calls: [string, string, unknown?][] = [
      ['GET', base],
      ['POST', base, { url: 'http://127.0.0.1:9/x', format: 'standard', events: ['meeting.ended'] }],
      ['DELETE', `${base}/${webhook.id}`],
      ['POST', `${base}/${webhook.id}/test`],
      ['GET', `${base}/${webhook.id}/deliveries`],
    ];
    for (const [method, path, body] of calls) {
      for (const token of [series.tokens.participant, series.tokens.viewer, other.tokens.facilitator]) {
        expect((await api(s.url, method, path, body, token)).status, `${method} ${path}`).toBe(403);
      }
      expect((await api(s.url, method, path, body)).status).toBe(401);
    }
    // Another series' facilitator cannot reach this endpoint through its own series either.
    expect((await api(s.url, 'DELETE', `/api/series/${other.id}/webhooks/${webhook.id}`, undefined, other.tokens.facilitator)).status).toBe(404);
    expect((await api(s.url, 'GET', base, undefined, series.tokens.facilitator)).body.webhooks).toHaveLength(1);
  });

  it('answers what the OpenAPI document says, route by route', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const rx = await receiver();
    const t = series.tokens.facilitator;
    const fits = (res: { status: number; body: unknown }, method: string, path: string) => {
      const route = API_ROUTES.find((r) => r.method === method && r.path === path)!;
      expect(res.status, `${method} ${path}`).toBe(route.ok.status);
      if (route.ok.schema) expect(route.ok.schema.safeParse(res.body).success, `${method} ${path} fits its schema`).toBe(true);
    };
    const base = `/api/series/${series.id}/webhooks`;
    const created = await api(s.url, 'POST', base, { url: rx.url, format: 'teams', events: ['meeting.ended'] }, t);
    fits(created, 'post', '/series/:id/webhooks');
    const id = created.body.webhook.id;
    fits(await api(s.url, 'GET', base, undefined, t), 'get', '/series/:id/webhooks');
    const test = await api(s.url, 'POST', `${base}/${id}/test`, undefined, t);
    fits(test, 'post', '/series/:id/webhooks/:webhookId/test');
    await waitFor(() => rx.got.length === 1, 'the test delivery');
    fits(await api(s.url, 'GET', `${base}/${id}/deliveries`, undefined, t), 'get', '/series/:id/webhooks/:webhookId/deliveries');
    const again = await api(s.url, 'POST', `${base}/${id}/deliveries/${test.body.delivery.id}/resend`, undefined, t);
    fits(again, 'post', '/series/:id/webhooks/:webhookId/deliveries/:deliveryId/resend');
    await waitFor(() => rx.got.length === 2, 'the resent delivery');
    fits(await api(s.url, 'DELETE', `${base}/${id}`, undefined, t), 'delete', '/series/:id/webhooks/:webhookId');
    expect((await api(s.url, 'GET', `${base}/${id}/deliveries`, undefined, t)).status).toBe(404);
  });

  it('the clock posts an open item past its due day as action_item.overdue, once, to the endpoints that want it', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const wants = await receiver();
    const other = await receiver();
    await addHook(s, series.id, series.tokens.facilitator, { url: wants.url, events: ['action_item.overdue'] });
    await addHook(s, series.id, series.tokens.facilitator, { url: other.url, events: ['action_item.created'] });
    const boardId = series.body.meetings[0].boardId;
    const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens });
    await synced(c);
    const card = createCard(c.doc, { column: 'agenda', title: 'Budget' });
    addDecision(c.doc, card, { text: 'Sam files the report', owners: 'Sam', due: '2000-01-05', decidedBy: 'Ana' });
    addDecision(c.doc, card, { text: 'Kim plans the offsite', owners: 'Kim', due: '2099-12-31', decidedBy: 'Ana' });
    await waitFor(
      async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 2,
      'items',
    );
    c.destroy();

    await s.app.reach.tick();
    await s.app.reach.tick();
    await waitFor(() => wants.got.length === 1, 'the overdue delivery');
    await s.app.seriesEvents.settled();
    await s.app.outbox.idle();
    expect(wants.got).toHaveLength(1);
    const body = JSON.parse(wants.got[0].body);
    expect(body).toMatchObject({ type: 'action_item.overdue', data: { item: { text: 'Sam files the report', due: '2000-01-05' } } });
    expect(other.got.every((g) => JSON.parse(g.body).type === 'action_item.created')).toBe(true);
  });

  it('limits test events per series, with a clear refusal', async () => {
    const s = await start({ webhookTestsPerHour: 2 });
    const series = await createSeries(s.url);
    const rx = await receiver();
    const { webhook } = await addHook(s, series.id, series.tokens.facilitator, { url: rx.url });
    const test = () => api(s.url, 'POST', `/api/series/${series.id}/webhooks/${webhook.id}/test`, undefined, series.tokens.facilitator);
    expect((await test()).status).toBe(202);
    expect((await test()).status).toBe(202);
    const refused = await test();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body.error.message).toContain('test events sent from this series');
    await waitFor(() => rx.got.length === 2, 'the two test deliveries');
  });
});

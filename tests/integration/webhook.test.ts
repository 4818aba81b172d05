/**
 * Where and how often a board's summary webhook is posted to: internal addresses are refused after DNS
 * (when the webhook is set and, the check that counts, when it is sent), the operator's allow-list lets an
 * internal chat server through, one delivery runs at a time per board, and sends are limited per board —
 * with a real HTTP receiver on 127.0.0.1 that records whatever reaches it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../server/config.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';
import { waitFor } from '../helpers/yclient.js';

const servers: TestServer[] = [];
const receivers: http.Server[] = [];
const meetingClients: MeetingClient[] = [];
afterEach(async () => {
  for (const c of meetingClients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
  for (const r of receivers.splice(0)) {
    r.closeAllConnections();
    await new Promise((done) => r.close(done));
  }
});

async function start(config: ConfigInput = {}): Promise<TestServer> {
  const s = await startServer({ config });
  servers.push(s);
  return s;
}

/** A webhook receiver on 127.0.0.1. With `hold`, it answers nothing until `release()`. */
async function receiver(opts: { hold?: boolean; status?: number; location?: string } = {}) {
  const bodies: unknown[] = [];
  const waiting: http.ServerResponse[] = [];
  let requests = 0;
  let held = opts.hold ?? false;
  const answer = (res: http.ServerResponse) => res.writeHead(opts.status ?? 200, opts.location ? { location: opts.location } : {}).end('ok');
  const srv = http.createServer((req, res) => {
    requests++;
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      if (held) waiting.push(res);
      else answer(res);
    });
  });
  receivers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    requests: () => requests,
    release() {
      held = false;
      for (const res of waiting.splice(0)) answer(res);
    },
  };
}

const setHook = (s: TestServer, board: TestBoard, url: string) => api(s.url, 'PUT', `/api/boards/${board.id}/webhook`, { url }, board.tokens.facilitator);
const sendNow = (s: TestServer, board: TestBoard) => api(s.url, 'POST', `/api/boards/${board.id}/summary/send`, undefined, board.tokens.facilitator);
const delivered = (s: TestServer, board: TestBoard) => waitFor(() => !s.app.summaries.delivering(board.id), 'the delivery to finish');

describe('internal addresses', () => {
  it('every spelling of an internal address is refused when set and again when sent, and the receiver gets nothing', async () => {
    const server = await start();
    const hook = await receiver();
    const p = hook.port;
    const hostile = [
      `http://127.0.0.1:${p}/hook`,
      `http://[::ffff:127.0.0.1]:${p}/hook`,
      `http://2130706433:${p}/hook`,
      `http://0x7f.1:${p}/hook`,
      `http://[::1]:${p}/hook`,
      `http://0.0.0.0:${p}/hook`,
      `http://[::]:${p}/hook`,
      `http://[::127.0.0.1]:${p}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/hook',
      'https://192.168.0.10/hook',
      'http://172.16.0.1/hook',
      'http://100.64.0.1/hook',
      'http://[fd00:ec2::254]/hook',
      'http://[fe80::1]/hook',
      'http://224.0.0.1/hook',
      'http://255.255.255.255/hook',
      'http://192.0.2.1/hook',
    ];
    for (const url of hostile) {
      const board = await createBoard(server.url);
      const set = await setHook(server, board, url);
      expect(set.status, url).toBe(400);
      expect(set.body.error, url).toMatchObject({
        code: 'bad_request',
        field: 'url',
        message: expect.stringMatching(/^url: .* address.*, which the server does not post to; set WEBHOOK_ALLOW_HOSTS/),
      });
      // Stored another way (before this check, or an address that changed since): refused when sent, not retried.
      await server.app.summaries.setWebhook(board.id, url);
      const outcome = await server.app.summaries.sendMeetingSummary(board.id);
      expect(outcome, url).toMatchObject({ ok: false, attempts: 1, error: expect.stringMatching(/does not post to/) });
      expect((await sendNow(server, board)).status, url).toBe(202);
      await delivered(server, board);
    }
    expect(hook.requests()).toBe(0);
  });

  it('a host name that resolves only to loopback is refused when set and when sent', async () => {
    const server = await start();
    const hook = await receiver();
    const board = await createBoard(server.url);
    const url = `http://localhost:${hook.port}/hook`;
    const set = await setHook(server, board, url);
    expect(set.status).toBe(400);
    expect(set.body.error.message).toMatch(/localhost resolves only to addresses the server does not post to \(127\.0\.0\.1 is a loopback address\)/);
    await server.app.summaries.setWebhook(board.id, url);
    expect(await server.app.summaries.sendMeetingSummary(board.id)).toMatchObject({
      ok: false,
      attempts: 1,
      error: expect.stringMatching(/localhost resolves only to/),
    });
    expect(hook.requests()).toBe(0);
  });

  it('a name that does not resolve yet is accepted when set: the check at send time decides', async () => {
    const server = await start();
    const board = await createBoard(server.url);
    expect((await setHook(server, board, 'https://chat.invalid/hooks/abc')).status).toBe(200);
  });

  it('hosts on the allow-list are reached: by address (any spelling of it, or a name resolving to it) or by name', async () => {
    const byAddress = await start({ webhookAllowHosts: '127.0.0.1' });
    const hook = await receiver();
    for (const url of [hook.url, `http://2130706433:${hook.port}/hook`, `http://localhost:${hook.port}/hook`]) {
      const board = await createBoard(byAddress.url);
      expect((await setHook(byAddress, board, url)).status, url).toBe(200);
      expect(await byAddress.app.summaries.sendMeetingSummary(board.id), url).toMatchObject({ ok: true, attempts: 1, status: 200 });
    }
    expect(hook.requests()).toBe(3);

    const byName = await start({ webhookAllowHosts: 'chat.internal, LOCALHOST' });
    const board = await createBoard(byName.url);
    expect((await setHook(byName, board, `http://localhost:${hook.port}/hook`)).status).toBe(200);
    expect(await byName.app.summaries.sendMeetingSummary(board.id)).toMatchObject({ ok: true });
    // The name is allowed, not the address behind it.
    expect((await setHook(byName, board, hook.url)).status).toBe(400);
    expect(hook.requests()).toBe(4);
  });

  it('a redirect is not followed', async () => {
    const server = await start({ webhookAllowHosts: '127.0.0.1' });
    const target = await receiver();
    const hook = await receiver({ status: 307, location: target.url });
    const board = await createBoard(server.url);
    expect((await setHook(server, board, hook.url)).status).toBe(200);
    expect(await server.app.summaries.sendMeetingSummary(board.id)).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 307' });
    expect(hook.requests()).toBe(1);
    expect(target.requests()).toBe(0);
  });
});

describe('how often', () => {
  it('one delivery at a time per board: a second send while the first is under way answers 409 and posts nothing', async () => {
    const server = await start({ webhookAllowHosts: '127.0.0.1' });
    const hook = await receiver({ hold: true });
    const board = await createBoard(server.url);
    expect((await setHook(server, board, hook.url)).status).toBe(200);
    expect((await sendNow(server, board)).status).toBe(202);
    await waitFor(() => hook.bodies.length === 1, 'the first delivery to arrive');
    const second = await sendNow(server, board);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/already being delivered/);
    // The meeting's end while it is under way sends nothing more either.
    expect(await server.app.summaries.sendMeetingSummary(board.id)).toMatchObject({ ok: false, attempts: 0 });
    hook.release();
    await delivered(server, board);
    expect(hook.requests()).toBe(1);
    expect((await sendNow(server, board)).status).toBe(202);
    await waitFor(() => hook.requests() === 2, 'the next delivery');
  });

  it('sending is limited per board: past the allowance 429 with Retry-After, while another board still sends', async () => {
    const server = await start({ webhookAllowHosts: '127.0.0.1', summarySendsPerHour: 2 });
    const hook = await receiver();
    const board = await createBoard(server.url);
    expect((await setHook(server, board, hook.url)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      expect((await sendNow(server, board)).status).toBe(202);
      await delivered(server, board);
    }
    const refused = await sendNow(server, board);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/summaries sent from this board \(at most 2 per hour\)/) });
    expect(hook.requests()).toBe(2);

    const other = await createBoard(server.url);
    expect((await setHook(server, other, hook.url)).status).toBe(200);
    expect((await sendNow(server, other)).status).toBe(202);
    await waitFor(() => hook.requests() === 3, 'the other board’s delivery');
  });

  it('the summary sent when the meeting ends counts against the same allowance', async () => {
    const server = await start({ webhookAllowHosts: '127.0.0.1', summarySendsPerHour: 1 });
    const hook = await receiver();
    const board = await createBoard(server.url);
    expect((await setHook(server, board, hook.url)).status).toBe(200);
    const fac = joinMeeting(server.url, board, board.tokens.facilitator, { name: 'Fay' });
    meetingClients.push(fac);
    await fac.until((s) => s.roster.length === 1, 'joined');
    expect((await fac.send('meeting:end')).ok).toBe(true);
    await waitFor(() => hook.requests() === 1, 'the summary posted at the end');
    await delivered(server, board);
    const refused = await sendNow(server, board);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(hook.requests()).toBe(1);
  });
});

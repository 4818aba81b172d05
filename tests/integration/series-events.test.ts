/**
 * `series:watch` over socket.io with a real server: a watcher of a series hears a status set on an action item
 * of any of its meetings, whichever link and page it came from; bad payloads and wrong links are refused, and
 * replacing a link cuts off the sockets that watch with the old one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { Ack, BoardRevokedEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import type { SeriesActionItem, SeriesActionsEvent } from '../../shared/series-events.js';
import type { CreateSeriesResponse, OpenMeetingResponse } from '../../shared/series.js';
import type { CreateDecisionResponse } from '../../shared/action-schemas.js';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/yclient.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let server: TestServer;
let sockets: ClientSocket[] = [];

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const s of sockets) s.disconnect();
  sockets = [];
  await server.stop();
});

function socket(): ClientSocket {
  const s: ClientSocket = ioClient(server.url, { transports: ['websocket'], reconnection: false });
  sockets.push(s);
  return s;
}
const watch = (s: ClientSocket, payload: unknown) => new Promise<Ack<SeriesActionItem[]>>((resolve) => s.emit('series:watch', payload as never, resolve));
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/** A weekly series whose first meeting decided one action item, and its second meeting open. */
async function seriesWithAnItem() {
  const res = await api<CreateSeriesResponse>(server.url, 'POST', '/api/series', {
    name: 'Ops weekly',
    cadence: 'FREQ=WEEKLY;BYDAY=TH',
    firstDate: '2030-01-01',
    startTime: '10:00',
    timezone: 'Europe/Berlin',
  });
  expect(res.status).toBe(201);
  const id = res.body.series.id;
  const tokens = { facilitator: tokenOf(res.body.links.facilitator), participant: tokenOf(res.body.links.participant), viewer: tokenOf(res.body.links.viewer) };
  const first = res.body.meetings[0].boardId;
  const card = await api<{ card: { id: string } }>(server.url, 'POST', `/api/boards/${first}/cards`, { column: 'agenda', title: 'Budget' }, tokens.facilitator);
  expect(card.status).toBe(201);
  const decision = await api<CreateDecisionResponse>(
    server.url,
    'POST',
    `/api/boards/${first}/cards/${card.body.card.id}/decisions`,
    { text: 'Draft the budget', owner: 'Ana', due: '2030-03-05' },
    tokens.facilitator,
  );
  expect(decision.status).toBe(201);
  const opened = await api<OpenMeetingResponse>(server.url, 'POST', `/api/series/${id}/meetings`, { after: 1 }, tokens.facilitator);
  expect(opened.status).toBe(201);
  return { id, tokens, itemId: decision.body.actionItem!.id, second: opened.body.meeting.boardId };
}

describe('series:watch', () => {
  it('every watcher of a series hears a status set on an item of an earlier meeting, with the meeting it changed on', async () => {
    const { id, tokens, itemId } = await seriesWithAnItem();
    const a = socket();
    const b = socket();
    const acks = await Promise.all([watch(a, { seriesId: id, token: tokens.participant }), watch(b, { seriesId: id, token: tokens.viewer })]);
    for (const ack of acks) {
      expect(ack.ok).toBe(true);
      if (ack.ok) expect(ack.data).toEqual([expect.objectContaining({ id: itemId, status: 'open', seq: 1, owners: ['Ana'], due: '2030-03-05' })]);
    }
    const heard: SeriesActionsEvent[][] = [[], []];
    a.on('series:actions', (e) => heard[0].push(e));
    b.on('series:actions', (e) => heard[1].push(e));

    const patched = await api(server.url, 'PATCH', `/api/actions/${itemId}`, { status: 'blocked' }, tokens.participant);
    expect(patched.status).toBe(200);
    await waitFor(() => heard.every((h) => h.some((e) => e.items.some((i) => i.id === itemId && i.status === 'blocked'))), 'both watchers hear it');
    expect(heard[0][0]).toMatchObject({ seriesId: id, seq: 1 });
  });

  it('refuses a malformed payload, an unknown series and a wrong link, and hears nothing of the series then', async () => {
    const { id, tokens, itemId } = await seriesWithAnItem();
    const s = socket();
    const bad = await watch(s, { seriesId: id });
    expect(bad).toMatchObject({ ok: false, error: { reason: 'invalid_payload' } });
    expect(await watch(s, { seriesId: 'nosuchseries', token: tokens.viewer })).toMatchObject({ ok: false, error: { reason: 'series_not_found' } });
    expect(await watch(s, { seriesId: id, token: 'not-the-token' })).toMatchObject({ ok: false, error: { reason: 'link_invalid' } });

    // A second socket that did watch proves the change went out; the refused one heard none of it.
    const ok = socket();
    expect((await watch(ok, { seriesId: id, token: tokens.viewer })).ok).toBe(true);
    let okHeard = 0;
    let refusedHeard = 0;
    ok.on('series:actions', () => okHeard++);
    s.on('series:actions', () => refusedHeard++);
    expect((await api(server.url, 'PATCH', `/api/actions/${itemId}`, { status: 'done' }, tokens.participant)).status).toBe(200);
    await waitFor(() => okHeard > 0, 'the watcher hears the change');
    expect(refusedHeard).toBe(0);
  });

  it('replacing the viewer link of the series cuts off the sockets watching with it; the participant link keeps watching', async () => {
    const { id, tokens, itemId } = await seriesWithAnItem();
    const viewer = socket();
    const participant = socket();
    expect((await watch(viewer, { seriesId: id, token: tokens.viewer })).ok).toBe(true);
    expect((await watch(participant, { seriesId: id, token: tokens.participant })).ok).toBe(true);
    const revoked: BoardRevokedEvent[] = [];
    viewer.on('board:revoked', (e) => revoked.push(e));
    const heard = { viewer: 0, participant: 0 };
    viewer.on('series:actions', () => heard.viewer++);
    participant.on('series:actions', () => heard.participant++);

    const rotated = await api(server.url, 'POST', `/api/series/${id}/links/rotate`, { role: 'viewer' }, tokens.facilitator);
    expect(rotated.status).toBe(200);
    await waitFor(() => revoked.length > 0, 'the viewer socket is told');

    expect((await api(server.url, 'PATCH', `/api/actions/${itemId}`, { status: 'blocked' }, tokens.participant)).status).toBe(200);
    await waitFor(() => heard.participant > 0, 'the participant socket still hears changes');
    expect(heard.viewer).toBe(0);
    expect(await watch(viewer, { seriesId: id, token: tokens.viewer })).toMatchObject({ ok: false, error: { reason: 'link_invalid' } });
  });
});

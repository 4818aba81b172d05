/**
 * A request ("what I need from you") is answered by its addressee — or a facilitator — and by nobody else,
 * whichever way a client tries: the meeting channel's `need:answer` checks the name on the seat the server
 * issued, and a participant's sync socket may not write a request's answer itself. An accepted request's
 * action item and its card agree both ways.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCard, readBoard, updateCard, type NeedCard } from '../../shared/board-schema.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import { CloseCode } from '../../shared/errors.js';
import type { NeedAnswerPayload, NeedAnswerResult } from '../../shared/need-answers.js';
import type { Ack } from '../../shared/socket-events.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';

let server: TestServer;
const clients: YClient[] = [];
const seated: MeetingClient[] = [];

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const m of seated.splice(0)) m.close();
  await server.stop();
});

async function open(board: TestBoard, token = board.tokens.participant) {
  const c = connect(server.wsUrl, board, token);
  clients.push(c);
  const closes: Array<{ code: number; reason: string }> = [];
  c.provider.on('connection-close', (e: CloseEvent | null) => e && closes.push({ code: e.code, reason: e.reason }));
  await synced(c);
  return { c, closes };
}

async function seat(board: TestBoard, name: string, token = board.tokens.participant): Promise<MeetingClient> {
  const m = joinMeeting(server.url, board, token, { name });
  seated.push(m);
  await m.until((s) => s.roster.some((r) => r.name === name), `${name} seated`);
  return m;
}

const answer = (m: MeetingClient, payload: NeedAnswerPayload): Promise<Ack<NeedAnswerResult>> =>
  new Promise((resolve) => (m.socket.emit as (...a: unknown[]) => void)('need:answer', payload, resolve));

/** The request as the server holds it (REST reads the live document). */
async function stored(board: TestBoard, id: string): Promise<NeedCard> {
  const res = await api<{ columns: { needs: NeedCard[] } }>(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
  return res.body.columns.needs.find((n) => n.id === id)!;
}

const actionItem = async (board: TestBoard, id: string) =>
  (await api<{ actionItems: ActionItem[] }>(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer)).body.actionItems.find(
    (i) => i.id === id,
  );

/** A board with a request from Priya to Sam, written by a participant and stored. */
async function boardWithRequest() {
  const board = await createBoard(server.url);
  const writer = await open(board);
  const id = createCard(
    writer.c.doc,
    { column: 'needs', asker: 'Priya', addressee: 'Sam', what: 'Q3 churn numbers', byWhen: '2026-12-01' },
    { createdBy: 'Priya' },
  );
  await waitFor(async () => (await stored(board, id)) !== undefined, 'the request stored');
  return { board, writer, id };
}

describe('only the addressee or a facilitator answers a request', () => {
  it('a participant who is not the addressee is refused on the meeting channel, and the card stays as it was', async () => {
    const { board, id } = await boardWithRequest();
    const priya = await seat(board, 'Priya');
    const res = await answer(priya, { cardId: id, status: 'accepted' });
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden', reason: 'not_the_addressee', params: { addressee: 'Sam' } } });
    expect(await stored(board, id)).toMatchObject({ status: 'open', answeredBy: '', answeredAt: null });
  });

  it('a participant’s own sync socket cannot change or delete a request’s status or reason: refused, not stored, nobody else sees it', async () => {
    const { board, writer, id } = await boardWithRequest();
    const reader = await open(board, board.tokens.viewer);
    updateCard(writer.c.doc, id, { status: 'declined', declineReason: 'Not mine' });
    await waitFor(() => writer.closes.length > 0, 'the writer is closed');
    expect(writer.closes[0]).toMatchObject({ code: CloseCode.InvalidContent, reason: expect.stringMatching(/addressee/) });
    expect(await stored(board, id)).toMatchObject({ status: 'open', declineReason: '' });
    expect(readBoard(reader.c.doc).columns.needs[0].status).toBe('open');

    // Deleting the field (it would read as "open" again) is an answer too.
    const sam = await seat(board, 'Sam');
    expect(await answer(sam, { cardId: id, status: 'accepted' })).toMatchObject({ ok: true });
    const other = await open(board);
    await waitFor(() => readBoard(other.c.doc).columns.needs[0]?.status === 'accepted', 'the answer reaches the other client');
    other.c.doc.transact(() => other.c.doc.getMap<import('yjs').Map<unknown>>('cards').get(id)!.delete('status'));
    await waitFor(() => other.closes.length > 0, 'the deleting client is closed');
    expect(other.closes[0].code).toBe(CloseCode.InvalidContent);
    expect((await stored(board, id)).status).toBe('accepted');
  });

  it('the addressee accepts, declines with a reason and finishes; whoever watches sees each answer with who gave it', async () => {
    const { board, id } = await boardWithRequest();
    const watcher = await open(board, board.tokens.viewer);
    // The seat's name matches the addressee whatever its case.
    const sam = await seat(board, 'sam');
    const accepted = await answer(sam, { cardId: id, status: 'accepted' });
    expect(accepted).toMatchObject({ ok: true, data: { id, status: 'accepted', declineReason: '', answeredBy: 'sam', answeredAt: expect.any(Number) } });

    const declined = await answer(sam, { cardId: id, status: 'declined', reason: '  No data before March ' });
    expect(declined).toMatchObject({ ok: true, data: { status: 'declined', declineReason: 'No data before March' } });
    await waitFor(() => readBoard(watcher.c.doc).columns.needs[0]?.declineReason === 'No data before March', 'the reason reaches the watcher');

    // Any other answer clears the reason.
    expect(await answer(sam, { cardId: id, status: 'done', reason: 'ignored' })).toMatchObject({ ok: true, data: { status: 'done', declineReason: '' } });
    expect(await stored(board, id)).toMatchObject({ status: 'done', declineReason: '', answeredBy: 'sam' });
  });

  it('a facilitator answers for the addressee; a viewer cannot answer, even when named as the addressee', async () => {
    const { board, id } = await boardWithRequest();
    const viewer = await seat(board, 'Sam', board.tokens.viewer);
    const refused = await answer(viewer, { cardId: id, status: 'accepted' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', reason: 'viewers_cannot' } });
    expect((await stored(board, id)).status).toBe('open');

    const lead = await seat(board, 'Fran', board.tokens.facilitator);
    expect(await answer(lead, { cardId: id, status: 'accepted' })).toMatchObject({ ok: true, data: { status: 'accepted', answeredBy: 'Fran' } });
    expect((await stored(board, id)).status).toBe('accepted');
    // A facilitator's own sync socket may still set it directly.
    const direct = await open(board, board.tokens.facilitator);
    updateCard(direct.c.doc, id, { status: 'done' });
    await waitFor(async () => (await stored(board, id)).status === 'done', 'the facilitator’s write stored');
    expect(direct.closes).toEqual([]);
  });

  it('bad answers are refused with a reason and the server carries on', async () => {
    const { board, id } = await boardWithRequest();
    const sam = await seat(board, 'Sam');
    const agenda = createCard((await open(board)).c.doc, { column: 'agenda', title: 'Launch' });
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.agenda.length === 1,
      'agenda stored',
    );
    expect(await answer(sam, { cardId: id, status: 'maybe' } as never)).toMatchObject({ ok: false, error: { code: 'bad_request', reason: 'invalid_payload' } });
    expect(await answer(sam, { cardId: id, status: 'declined', reason: 'x'.repeat(501) })).toMatchObject({ ok: false, error: { reason: 'invalid_payload' } });
    expect(await answer(sam, { cardId: 'nope', status: 'accepted' })).toMatchObject({ ok: false, error: { code: 'not_found', reason: 'card_not_found' } });
    expect(await answer(sam, { cardId: agenda, status: 'accepted' })).toMatchObject({ ok: false, error: { reason: 'not_a_request' } });
    expect(await answer(sam, { cardId: id, status: 'accepted' })).toMatchObject({ ok: true });
  });
});

describe('an accepted request’s action item and its card agree both ways', () => {
  it('the card done marks the item done and reopening it reopens the item; the item done marks the card done, reopening it makes the card accepted', async () => {
    const { board, id } = await boardWithRequest();
    const sam = await seat(board, 'Sam');
    const itemId = `need:${id}`;
    await answer(sam, { cardId: id, status: 'accepted' });
    await waitFor(async () => (await actionItem(board, itemId))?.status === 'open', 'the item is open');

    // Card → item.
    await answer(sam, { cardId: id, status: 'done' });
    await waitFor(async () => (await actionItem(board, itemId))?.status === 'done', 'the card done marks the item done');
    await answer(sam, { cardId: id, status: 'accepted' });
    await waitFor(async () => (await actionItem(board, itemId))?.status === 'open', 'reopening the card reopens the item');

    // Item → card, through the action list's REST route.
    const done = await api<{ actionItem: ActionItem }>(
      server.url,
      'PATCH',
      `/api/actions/${encodeURIComponent(itemId)}`,
      { status: 'done' },
      board.tokens.participant,
    );
    expect(done.status).toBe(200);
    expect(done.body.actionItem.status).toBe('done');
    expect((await stored(board, id)).status).toBe('done');
    const reopened = await api<{ actionItem: ActionItem }>(
      server.url,
      'PATCH',
      `/api/actions/${encodeURIComponent(itemId)}`,
      { status: 'open' },
      board.tokens.participant,
    );
    expect(reopened.body.actionItem.status).toBe('open');
    expect((await stored(board, id)).status).toBe('accepted');

    // A status people set on the item (blocked) gives way when the card moves on.
    await api(server.url, 'PATCH', `/api/actions/${encodeURIComponent(itemId)}`, { status: 'blocked' }, board.tokens.participant);
    expect((await actionItem(board, itemId))?.status).toBe('blocked');
    expect((await stored(board, id)).status).toBe('accepted');
    await answer(sam, { cardId: id, status: 'done' });
    await waitFor(async () => (await actionItem(board, itemId))?.status === 'done', 'the card done wins over blocked');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type Socket } from 'socket.io-client';
import { parse as parseCsv } from 'csv-parse/sync';
import ICAL from 'ical.js';
import type * as Y from 'yjs';
import { addDecision, createCard, deleteCard, deleteDecision, decisionText, updateCard, updateDecision } from '../../shared/board-schema.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import type { Ack, ActionsChangedEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { SqliteActionStore } from '../../server/store/sqlite-action-store.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { joinMeeting } from '../helpers/meeting-client.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let server: TestServer;
const clients: YClient[] = [];
const sockets: ClientSocket[] = [];
const httpServers: http.Server[] = [];

beforeEach(async () => {
  // The webhook tests' receivers listen on loopback, which webhooks may reach only when allowed.
  server = await startServer({ config: { webhookAllowHosts: '127.0.0.1' } });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.disconnect();
  for (const h of httpServers.splice(0)) await new Promise((r) => h.close(r));
  await server.stop();
});

const open = (board: TestBoard, token = board.tokens.participant) => {
  const c = connect(server.wsUrl, board, token);
  clients.push(c);
  return c;
};

/** Reads the action items from the SQLite file with a second, independent connection. */
async function stored(dataDir: string, boardId: string): Promise<ActionItem[]> {
  const db = new SqliteStore(dataDir);
  try {
    return await new SqliteActionStore(db.db).list(boardId);
  } finally {
    await db.close();
  }
}
const restList = async (board: TestBoard) =>
  (await api<{ actionItems: ActionItem[] }>(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer)).body.actionItems;
const item = async (board: TestBoard, id: string) => (await stored(server.dataDir, board.id)).find((i) => i.id === id);

/** A board whose meeting is on Tuesday 2026-11-24, with a synced raw y-websocket client and an agenda card. */
async function meeting(): Promise<{ board: TestBoard; y: YClient; card: string }> {
  const board = await createBoard(server.url);
  const y = open(board);
  await synced(y);
  y.doc.getMap('meta').set('meetingDate', '2026-11-24');
  const card = createCard(y.doc, { column: 'agenda', title: 'Launch', owner: 'Priya' }, { createdBy: 'Ana' });
  return { board, y, card };
}

describe('decisions become action items', () => {
  it('a decision written by a raw y-websocket client is stored as an action item, readable through REST', async () => {
    const { board, y, card } = await meeting();
    const d = addDecision(y.doc, card, { text: 'Decision: Priya ships the FAQ page by next Friday', decidedBy: 'Ana' })!;
    await waitFor(async () => (await item(board, `dec:${d}`)) !== undefined, 'item in the database');
    expect(await item(board, `dec:${d}`)).toMatchObject({
      kind: 'decision',
      cardId: card,
      cardTitle: 'Launch',
      text: 'Priya ships the FAQ page by next Friday',
      owners: ['Priya'],
      due: '2026-12-04',
      dueText: 'by next Friday',
      dueFlag: null,
      status: 'open',
      decidedBy: 'Ana',
    });
    expect(await restList(board)).toEqual([expect.objectContaining({ id: `dec:${d}`, owners: ['Priya'], due: '2026-12-04' })]);
  });

  it('editing a decision updates its item; deleting cancels it; undoing the delete reopens it', async () => {
    const { board, y, card } = await meeting();
    const d = addDecision(y.doc, card, { text: '@Sam calls the supplier by Friday', decidedBy: 'Ana' })!;
    await waitFor(async () => (await item(board, `dec:${d}`))?.owners[0] === 'Sam', 'created');
    const first = (await item(board, `dec:${d}`))!;
    decisionText(y.doc, card, d)!.insert(0, '☎️ ');
    updateDecision(y.doc, card, d, { owners: 'Lee', due: '2026-12-10' });
    await waitFor(async () => (await item(board, `dec:${d}`))?.due === '2026-12-10', 'edit stored');
    expect(await item(board, `dec:${d}`)).toMatchObject({
      text: '☎️ @Sam calls the supplier by Friday',
      owners: ['Lee'],
      status: 'open',
      createdAt: first.createdAt,
    });

    // Undo through Yjs' own UndoManager, as the browser does.
    const { UndoManager } = await import('yjs');
    const undo = new UndoManager(y.doc.getMap('cards'));
    deleteDecision(y.doc, card, d);
    await waitFor(async () => (await item(board, `dec:${d}`))?.status === 'cancelled', 'cancelled, not erased');
    undo.undo();
    await waitFor(async () => (await item(board, `dec:${d}`))?.status === 'open', 'reopened by undo');
    expect((await stored(server.dataDir, board.id)).length).toBe(1);

    deleteCard(y.doc, card);
    await waitFor(async () => (await item(board, `dec:${d}`))?.status === 'cancelled', 'deleting the card cancels it');
  });

  it('an accepted request becomes an item owned by its addressee; leaving accepted cancels it', async () => {
    const { board } = await meeting();
    // The facilitator's sync socket may write a request's answer directly (a participant's may not).
    const y = open(board, board.tokens.facilitator);
    await synced(y);
    const n = createCard(y.doc, { column: 'needs', asker: 'Priya', addressee: 'Sam', what: 'Q3 churn numbers', byWhen: '2026-12-01' });
    updateCard(y.doc, n, { status: 'accepted' });
    await waitFor(async () => (await item(board, `need:${n}`)) !== undefined, 'need item');
    expect(await item(board, `need:${n}`)).toMatchObject({ kind: 'need', owners: ['Sam'], due: '2026-12-01', text: 'Q3 churn numbers', status: 'open' });
    updateCard(y.doc, n, { status: 'declined' });
    await waitFor(async () => (await item(board, `need:${n}`))?.status === 'cancelled', 'declined cancels');
    updateCard(y.doc, n, { status: 'done' });
    await waitFor(async () => (await item(board, `need:${n}`))?.status === 'done', 'done on the board is done');
  });

  it('a decision with no owner is unassigned and a bad date is kept as typed and flagged', async () => {
    const { board, y, card } = await meeting();
    const a = addDecision(y.doc, card, { text: 'Keep the pricing by someday', decidedBy: 'Ana' })!;
    const b = addDecision(y.doc, card, { text: 'Close the books by 2025-01-01', decidedBy: 'Ana' })!;
    await waitFor(async () => (await stored(server.dataDir, board.id)).length === 2, 'both stored');
    expect(await item(board, `dec:${a}`)).toMatchObject({ owners: [], due: null, dueText: 'by someday', dueFlag: 'unparseable' });
    expect(await item(board, `dec:${b}`)).toMatchObject({ owners: [], due: '2025-01-01', dueFlag: 'past' });
  });

  it('a restart neither duplicates nor loses items, and catches changes made while the server was down', async () => {
    const { board, y, card } = await meeting();
    const d = addDecision(y.doc, card, { text: 'Priya ships by Friday', decidedBy: 'Ana' })!;
    await waitFor(async () => (await item(board, `dec:${d}`)) !== undefined, 'stored');
    const patched = await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'done' }, board.tokens.participant);
    expect(patched.status).toBe(200);
    const before = await stored(server.dataDir, board.id);
    y.destroy();
    clients.length = 0;
    await server.stop();

    // While the server is down a decision is written straight into its stored document.
    const { default: Y } = await import('yjs').then((m) => ({ default: m }));
    const offline = new SqliteStore(server.dataDir);
    const doc = new Y.Doc();
    const saved = await offline.loadDocument(board.id);
    if (saved.snapshot) Y.applyUpdate(doc, saved.snapshot);
    for (const u of saved.updates) Y.applyUpdate(doc, u);
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (update = u));
    const late = addDecision(doc, card, { text: '@Lee books the room', decidedBy: 'Ana' })!;
    await offline.appendUpdates([{ boardId: board.id, update: update! }]);
    await offline.close();

    server = await startServer({ dataDir: server.dataDir });
    const after = await restList(board);
    expect(after.map((i) => i.id).sort()).toEqual([`dec:${d}`, `dec:${late}`].sort());
    expect(after.find((i) => i.id === `dec:${d}`)).toMatchObject({
      status: 'done',
      text: before[0].text,
      createdAt: before[0].createdAt,
      updatedAt: before[0].updatedAt,
    });
    expect(after.find((i) => i.id === `dec:${late}`)).toMatchObject({ owners: ['Lee'], status: 'open' });
  });

  it('a new known name re-reads only the decisions that contain it; a new meeting day re-reads all', async () => {
    const { board, y, card } = await meeting();
    for (let i = 0; i < 20; i++) {
      const c = createCard(y.doc, { column: 'agenda', title: `Item ${i}` }, { createdBy: 'Ana' });
      addDecision(y.doc, c, { text: `Keep plan ${i} as it is`, decidedBy: 'Ana' });
    }
    const d = addDecision(y.doc, card, { text: 'Kofi sends the numbers by Friday', decidedBy: 'Ana' })!;
    await waitFor(async () => (await stored(server.dataDir, board.id)).length === 21, 'all 21 items stored');
    await server.app.actions.settled(board.id);
    expect(await item(board, `dec:${d}`)).toMatchObject({ owners: [], due: '2026-11-27' });
    const parsed = () => server.app.actions.decisionsParsed;

    // Kofi becomes a known name (an empty card by Kofi): of the 21 decisions, only the one naming Kofi is read.
    const before = parsed();
    const kofi = createCard(y.doc, { column: 'challenges', problem: 'Numbers are late' }, { createdBy: 'Kofi' });
    await waitFor(async () => (await item(board, `dec:${d}`))?.owners[0] === 'Kofi', 'the decision gains its owner');
    await server.app.actions.settled(board.id);
    expect(parsed() - before).toBe(1);

    // Kofi is no longer known: the same one decision is read again and loses its owner.
    const beforeRemoval = parsed();
    deleteCard(y.doc, kofi);
    await waitFor(async () => (await item(board, `dec:${d}`))?.owners.length === 0, 'the decision loses its owner');
    await server.app.actions.settled(board.id);
    expect(parsed() - beforeRemoval).toBe(1);

    // A new meeting day moves every relative date: every decision is read.
    const beforeDay = parsed();
    y.doc.getMap('meta').set('meetingDate', '2026-12-01');
    await waitFor(async () => (await item(board, `dec:${d}`))?.due === '2026-12-04', 'the due date follows the day');
    await server.app.actions.settled(board.id);
    expect(parsed() - beforeDay).toBe(21);
  });

  it('a decision gains an owner when a name it contains becomes known, and keeps the others as they were', async () => {
    const { board, y, card } = await meeting();
    const a = addDecision(y.doc, card, { text: 'Mary Ann and Lee run the retro', decidedBy: 'Ana' })!;
    const b = addDecision(y.doc, card, { text: 'Priya to ask Lee for the numbers', decidedBy: 'Ana' })!;
    await waitFor(async () => (await stored(server.dataDir, board.id)).length === 2, 'both stored');
    expect(await item(board, `dec:${a}`)).toMatchObject({ owners: [] });
    expect(await item(board, `dec:${b}`)).toMatchObject({ owners: ['Priya'] });
    // "Mary Ann" and "lee" become known (a request between them): the leading list now names both.
    createCard(y.doc, { column: 'needs', asker: 'Mary Ann', addressee: 'lee', what: 'Slides' });
    await waitFor(async () => (await item(board, `dec:${a}`))?.owners.length === 2, 'owners read again');
    expect(await item(board, `dec:${a}`)).toMatchObject({ owners: ['Mary Ann', 'lee'], status: 'open' });
    expect(await item(board, `dec:${b}`)).toMatchObject({ owners: ['Priya'], status: 'open' });
    expect(await restList(board)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: `dec:${a}`, owners: ['Mary Ann', 'lee'] }),
        expect.objectContaining({ id: `dec:${b}`, owners: ['Priya'] }),
      ]),
    );
  });

  it('a decision recorded through REST answers 201 with the decision and its stored action item', async () => {
    const { board, card, y } = await meeting();
    const res = await api(
      server.url,
      'POST',
      `/api/boards/${board.id}/cards/${card}/decisions`,
      { text: 'Sam sends the deck by 3 Dec', owner: 'Priya, Sam' },
      board.tokens.participant,
    );
    expect(res.status).toBe(201);
    expect(res.body.decision).toMatchObject({ text: 'Sam sends the deck by 3 Dec', owners: 'Priya, Sam', decidedBy: 'API' });
    expect(res.body.actionItem).toMatchObject({ id: `dec:${res.body.decision.id}`, owners: ['Priya', 'Sam'], due: '2026-12-03', status: 'open' });
    await waitFor(() => decisionText(y.doc, card, res.body.decision.id)?.toString() === 'Sam sends the deck by 3 Dec', 'reaches the client');

    const bad = [
      await api(server.url, 'POST', `/api/boards/${board.id}/cards/${card}/decisions`, { text: '' }, board.tokens.participant),
      await api(server.url, 'POST', `/api/boards/${board.id}/cards/${card}/decisions`, { text: 'x', due: '2026-02-31' }, board.tokens.participant),
      await api(server.url, 'POST', `/api/boards/${board.id}/cards/${card}/decisions`, { text: 'x', extra: 1 }, board.tokens.participant),
    ];
    expect(bad.map((r) => [r.status, r.body.error.field])).toEqual([
      [400, 'text'],
      [400, 'due'],
      [400, 'extra'],
    ]);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/cards/nope/decisions`, { text: 'x' }, board.tokens.participant)).status).toBe(404);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/cards/${card}/decisions`, { text: 'x' }, board.tokens.viewer)).status).toBe(403);
  });
});

describe('action items live over socket.io', () => {
  function socket(): ClientSocket {
    const s: ClientSocket = ioClient(server.url, { transports: ['websocket'] });
    sockets.push(s);
    return s;
  }

  it('a watcher gets the current list, then actions:changed for edits from y-websocket and status set through REST', async () => {
    const { board, y, card } = await meeting();
    const d = addDecision(y.doc, card, { text: '@Sam drafts the memo', decidedBy: 'Ana' })!;
    await waitFor(async () => (await item(board, `dec:${d}`)) !== undefined, 'stored');
    const s = socket();
    const ack = await new Promise<Ack<ActionItem[]>>((r) => s.emit('actions:watch', { boardId: board.id, token: board.tokens.viewer }, r));
    expect(ack).toEqual({ ok: true, data: [expect.objectContaining({ id: `dec:${d}`, owners: ['Sam'] })] });
    const heard: ActionsChangedEvent[] = [];
    s.on('actions:changed', (e) => heard.push(e));

    updateDecision(y.doc, card, d, { due: '2026-12-24' });
    await waitFor(() => heard.some((e) => e.items.some((i) => i.due === '2026-12-24')), 'edit pushed');
    const res = await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'done' }, board.tokens.participant);
    expect(res).toMatchObject({ status: 200, body: { actionItem: { id: `dec:${d}`, status: 'done' } } });
    await waitFor(() => heard.some((e) => e.items.some((i) => i.status === 'done')), 'status pushed');
    expect(heard.every((e) => e.boardId === board.id && e.items.length === 1)).toBe(true);

    // A decision edit does not reopen a done item.
    decisionText(y.doc, card, d)!.insert(20, ' (draft)');
    await waitFor(() => heard.some((e) => e.items.some((i) => i.text === '@Sam drafts the memo (draft)')), 'edit after done');
    expect(heard.at(-1)!.items[0].status).toBe('done');
    expect((await item(board, `dec:${d}`))?.status).toBe('done');
  });

  it('refuses a bad status, a viewer, an unknown item and a watch without a valid token', async () => {
    const { board, y, card } = await meeting();
    const d = addDecision(y.doc, card, { text: 'x', decidedBy: 'Ana' })!;
    await waitFor(async () => (await item(board, `dec:${d}`)) !== undefined, 'stored');
    expect((await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'finished' }, board.tokens.participant)).body.error.field).toBe('status');
    expect((await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'done' }, board.tokens.viewer)).status).toBe(403);
    expect((await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'done' })).status).toBe(401);
    expect((await api(server.url, 'PATCH', '/api/actions/dec:unknown', { status: 'done' }, board.tokens.participant)).status).toBe(404);
    deleteDecision(y.doc, card, d);
    await waitFor(async () => (await item(board, `dec:${d}`))?.status === 'cancelled', 'cancelled');
    expect((await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'open' }, board.tokens.participant)).status).toBe(409);
    const s = socket();
    const ack = await new Promise<Ack<ActionItem[]>>((r) => s.emit('actions:watch', { boardId: board.id, token: 'x'.repeat(43) }, r));
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('owner and due date corrected on an action item', () => {
  const audit = async (board: TestBoard) =>
    (
      await api<{ entries: Array<{ actor: string; role: string; action: string; summary: string }> }>(
        server.url,
        'GET',
        `/api/boards/${board.id}/audit?limit=100`,
        undefined,
        board.tokens.viewer,
      )
    ).body.entries;

  it('a participant corrects a decision’s item: the decision on the board changes with it, and the audit trail says who', async () => {
    const { board, y, card } = await meeting();
    const d = addDecision(y.doc, card, { text: 'Priya ships the FAQ by Friday', decidedBy: 'Ana' })!;
    await waitFor(async () => (await item(board, `dec:${d}`))?.owners[0] === 'Priya', 'stored');
    const res = await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { owner: 'Sam, Lee', due: '2026-12-09', by: 'Kofi' }, board.tokens.participant);
    expect(res.status).toBe(200);
    expect(res.body.actionItem).toMatchObject({ id: `dec:${d}`, owners: ['Sam', 'Lee'], due: '2026-12-09', text: 'Priya ships the FAQ by Friday' });
    expect(await item(board, `dec:${d}`)).toMatchObject({ owners: ['Sam', 'Lee'], due: '2026-12-09' });
    // The board holds the correction: every client sees it, and the summary agrees.
    await waitFor(() => decisionOf(y, card, d)?.owners === 'Sam, Lee' && decisionOf(y, card, d)?.due === '2026-12-09', 'the board has it');
    const summary = (await api(server.url, 'GET', `/api/boards/${board.id}/summary`, undefined, board.tokens.viewer)).body;
    expect(summary.decisions[0]).toMatchObject({ owners: ['Sam', 'Lee'], due: '2026-12-09' });
    await waitFor(async () => (await audit(board)).some((e) => e.action === 'decision.edited'), 'audited');
    expect((await audit(board)).find((e) => e.action === 'decision.edited')).toMatchObject({
      actor: 'Kofi',
      role: 'participant',
      summary: 'set the owner to "Sam, Lee" and the due date to 2026-12-09 of the decision on agenda item "Launch"',
    });
    // '' gives the text its say again.
    const back = await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { owner: '', due: '' }, board.tokens.facilitator);
    expect(back.body.actionItem).toMatchObject({ owners: ['Priya'], due: '2026-11-27' });
  });

  it('a request’s item is corrected on the request: its addressee and by-when; status and correction in one call', async () => {
    const { board, y } = await meeting();
    const need = createCard(y.doc, { column: 'needs', asker: 'Lee', addressee: 'Sam', what: 'Budget numbers', byWhen: '2026-12-01', status: 'accepted' });
    await waitFor(async () => (await item(board, `need:${need}`)) !== undefined, 'stored');
    const res = await api(
      server.url,
      'PATCH',
      `/api/actions/need:${need}`,
      { owner: 'Müller', due: '2026-12-02', status: 'blocked' },
      board.tokens.participant,
    );
    expect(res.status).toBe(200);
    expect(res.body.actionItem).toMatchObject({ owners: ['Müller'], due: '2026-12-02', status: 'blocked' });
    await waitFor(() => {
      const c = y.doc.getMap('cards').get(need) as Y.Map<unknown> | undefined;
      return c?.get('addressee') === 'Müller' && c?.get('byWhen') === '2026-12-02';
    }, 'the request has it');
    const noOne = await api(server.url, 'PATCH', `/api/actions/need:${need}`, { owner: '' }, board.tokens.participant);
    expect(noOne.status).toBe(400);
    expect(noOne.body.error.field).toBe('owner');
  });

  it('refuses a viewer, no token, a date that is no day, an over-long owner, an empty change and a source no longer on the board', async () => {
    const { board, y, card } = await meeting();
    const d = addDecision(y.doc, card, { text: 'Priya ships by Friday', decidedBy: 'Ana' })!;
    await waitFor(async () => (await item(board, `dec:${d}`)) !== undefined, 'stored');
    const patch = (body: unknown, token?: string) => api(server.url, 'PATCH', `/api/actions/dec:${d}`, body, token);
    expect((await patch({ owner: 'Sam' }, board.tokens.viewer)).status).toBe(403);
    expect((await patch({ owner: 'Sam' })).status).toBe(401);
    const badDay = await patch({ due: '2026-02-30' }, board.tokens.participant);
    expect(badDay.status).toBe(400);
    expect(badDay.body.error.field).toBe('due');
    expect((await patch({ owner: 'x'.repeat(501) }, board.tokens.participant)).body.error.field).toBe('owner');
    expect((await patch({}, board.tokens.participant)).status).toBe(400);
    expect((await patch({ owner: 'Sam', role: 'facilitator' }, board.tokens.participant)).status).toBe(400);
    // Nothing of that reached the board.
    expect(await item(board, `dec:${d}`)).toMatchObject({ owners: ['Priya'], due: '2026-11-27' });
    deleteDecision(y.doc, card, d);
    await waitFor(async () => (await item(board, `dec:${d}`))?.status === 'cancelled', 'cancelled');
    expect((await patch({ owner: 'Sam' }, board.tokens.participant)).status).toBe(409);
  });
});

const decisionOf = (y: YClient, card: string, id: string) => {
  const decisions = (y.doc.getMap('cards').get(card) as Y.Map<unknown>).get('decisions') as import('yjs').Array<Y.Map<unknown>>;
  const d = decisions.toArray().find((x) => x.get('id') === id);
  return d ? { owners: d.get('owners'), due: d.get('due') } : undefined;
};

const HOSTILE = [
  '=HYPERLINK("http://evil.example","click")',
  '+1, "quoted", with, commas',
  '-2 @Sam negative',
  'line one\nline two\r\nline three',
  '🚀 emoji — ümlaut, 中文 and a very long line that goes on and on to make sure the iCalendar folding splits it over several lines',
  '<script>alert(1)</script> *bold* _it_ [link](x) | pipe',
];
/** What CSV and iCalendar carry: the text with its line breaks as LF. */
const HOSTILE_LF = HOSTILE.map((t) => t.replace(/\r\n?/g, '\n'));

describe('exports', () => {
  async function hostileBoard() {
    const { board, y, card } = await meeting();
    const ids = HOSTILE.map((text) => addDecision(y.doc, card, { text, owners: 'Priya', due: '2026-12-03', decidedBy: 'Ana' })!);
    await waitFor(async () => (await stored(server.dataDir, board.id)).length === HOSTILE.length, 'all stored');
    await api(server.url, 'PATCH', `/api/actions/dec:${ids[1]}`, { status: 'done' }, board.tokens.participant);
    return { board, ids };
  }

  it('CSV parses back with csv-parse to the same text, with formulas neutralised', async () => {
    const { board } = await hostileBoard();
    const res = await api<string>(server.url, 'GET', `/api/boards/${board.id}/actions.csv`, undefined, board.tokens.viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?weekly-cross-team-sync-actions-2026-11-24\.csv"?$/);
    const rows: Record<string, string>[] = parseCsv(res.body, { columns: true });
    const unneutralise = (s: string) => (/^'[=+\-@\t\n]/.test(s) ? s.slice(1) : s);
    expect(rows.map((r) => unneutralise(r.text))).toEqual(HOSTILE_LF);
    for (const r of rows) for (const cell of Object.values(r)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows[0].text).toBe(`'${HOSTILE[0]}`);
    expect(rows[1]).toMatchObject({ status: 'done', owners: 'Priya', due: '2026-12-03' });
    expect(res.body.split('\r\n')[0]).toBe('id,status,text,owners,due,due_as_typed,due_flag,source,source_card,decided_by,created_at,updated_at');
  });

  it('iCalendar holds one VTODO per item with DUE as a date, status and a stable UID, and parses back with ical.js', async () => {
    const { board, ids } = await hostileBoard();
    const get = () => api<string>(server.url, 'GET', `/api/boards/${board.id}/actions?format=ics`, undefined, board.tokens.viewer);
    const res = await get();
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    for (const line of res.body.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const cal = new ICAL.Component(ICAL.parse(res.body));
    const todos = cal.getAllSubcomponents('vtodo');
    expect(todos.map((t) => t.getFirstPropertyValue('summary'))).toEqual(HOSTILE_LF);
    expect(todos.map((t) => t.getFirstPropertyValue('status'))).toEqual([
      'NEEDS-ACTION',
      'COMPLETED',
      'NEEDS-ACTION',
      'NEEDS-ACTION',
      'NEEDS-ACTION',
      'NEEDS-ACTION',
    ]);
    const due = todos[0].getFirstProperty('due')!;
    expect(due.type).toBe('date');
    expect(String(due.getFirstValue())).toBe('2026-12-03');
    expect(todos[0].getFirstPropertyValue('uid')).toBe(`dec:${ids[0]}.${board.id}@meshboard`);
    const again = new ICAL.Component(ICAL.parse((await get()).body));
    expect(again.getAllSubcomponents('vtodo').map((t) => t.getFirstPropertyValue('uid'))).toEqual(todos.map((t) => t.getFirstPropertyValue('uid')));
  });

  it('Markdown escapes markup and HTML in user text for Markdown, not as HTML entities; JSON carries it verbatim', async () => {
    const { board } = await hostileBoard();
    const md = await api<string>(server.url, 'GET', `/api/boards/${board.id}/actions.md`, undefined, board.tokens.viewer);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.body).toContain('\\<script>alert(1)\\</script> \\*bold\\* \\_it\\_ \\[link\\](x) \\| pipe');
    expect(md.body).toContain('Weekly cross-team sync'); // plain hyphens stay unescaped
    expect(md.body).not.toMatch(/(?<!\\)<script>/);
    const json = await api(server.url, 'GET', `/api/boards/${board.id}/actions.json`, undefined, board.tokens.viewer);
    expect(json.headers.get('content-disposition')).toMatch(/\.json"?$/);
    expect(json.body.actionItems.map((i: ActionItem) => i.text)).toEqual(HOSTILE);
    expect((await api(server.url, 'GET', `/api/boards/${board.id}/actions?format=pdf`, undefined, board.tokens.viewer)).status).toBe(400);
  });
});

describe('downloads that spreadsheets and calendars open', () => {
  /** A board on 2026-11-24 at 10:00 with a timed agenda, Müller's item due on 2026-12-03 and an undated one. */
  async function dated() {
    const { board, y, card } = await meeting();
    y.doc.getMap('meta').set('meetingStart', '10:00');
    updateCard(y.doc, card, { timebox: 30 });
    createCard(y.doc, { column: 'agenda', title: 'R&D <b>review</b>', timebox: 20 });
    addDecision(y.doc, card, { text: 'R&D <b> budget', owners: 'Müller', due: '2026-12-03', decidedBy: 'Ana' });
    addDecision(y.doc, card, { text: 'Someone looks at it', decidedBy: 'Ana' });
    await waitFor(async () => (await restList(board)).length === 2, 'items stored');
    return board;
  }
  const download = (board: TestBoard, ext: string) =>
    fetch(`${server.url}/api/boards/${board.id}/actions.${ext}`, { headers: { authorization: `Bearer ${board.tokens.viewer}` } });

  it('the CSV starts with a UTF-8 BOM, says text/csv; charset=utf-8; header=present, and "Müller" parses back intact', async () => {
    const board = await dated();
    const res = await download(board, 'csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parseCsv(bytes, { bom: true, columns: true });
    expect(rows.map((r) => r.owners)).toEqual(['Müller', '']);
    expect(rows[0].text).toBe('R&D <b> budget');
    // The series report and the audit trail are written alike.
    const report = await fetch(`${server.url}/api/series/${board.id}/report.csv`, { headers: { authorization: `Bearer ${board.tokens.viewer}` } });
    expect(report.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect([...Buffer.from(await report.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const audit = await fetch(`${server.url}/api/boards/${board.id}/audit.csv`, { headers: { authorization: `Bearer ${board.tokens.viewer}` } });
    expect(audit.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect([...Buffer.from(await audit.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('the Markdown download has "R&D <b>" escaped for Markdown and no HTML entity', async () => {
    const board = await dated();
    const res = await download(board, 'md');
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md = await res.text();
    expect(md).toContain('R&D \\<b> budget');
    expect(md).not.toMatch(/(?<!\\)&(?:#\d+|#x[\da-f]+|[a-z]+);/i);
  });

  it('the iCalendar file has the meeting as an event at its start for the agenda’s length, and due items as all-day events', async () => {
    const board = await dated();
    const list = (await api(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer)).body;
    expect(list).toMatchObject({ meetingDate: '2026-11-24', meetingStart: '10:00', agendaMinutes: 50 });
    const res = await download(board, 'ics');
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    const events = cal.getAllSubcomponents('vevent');
    expect(events).toHaveLength(2);
    const [meetingEvent, due] = events;
    expect(meetingEvent.getFirstPropertyValue('summary')).toBe('Weekly cross-team sync');
    // A board outside a series has no time zone: its start is floating, the importer's local 10:00.
    expect(meetingEvent.getFirstPropertyValue('dtstart')!.toString()).toBe('2026-11-24T10:00:00');
    expect(meetingEvent.getFirstPropertyValue('dtend')!.toString()).toBe('2026-11-24T10:50:00');
    expect(due.getFirstPropertyValue('summary')).toBe('R&D <b> budget');
    expect(due.getFirstProperty('dtstart')!.type).toBe('date');
    expect(String(due.getFirstPropertyValue('dtstart'))).toBe('2026-12-03');
    expect(String(due.getFirstPropertyValue('dtend'))).toBe('2026-12-04');
    expect(cal.getAllSubcomponents('vtodo')).toHaveLength(2);
  });
});

describe('summary and webhook', () => {
  /** A local HTTP server on port 0 that fails the first `failures` requests with 503. */
  async function receiver(failures: number) {
    const bodies: any[] = [];
    let calls = 0;
    const srv = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        calls++;
        if (calls <= failures) return res.writeHead(503).end();
        bodies.push(JSON.parse(data));
        res.writeHead(200).end('ok');
      });
    });
    httpServers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, bodies, calls: () => calls };
  }

  it('the summary lists purpose, agenda outcomes, decisions, items, open requests, unresolved challenges and attendees', async () => {
    const { board, y, card } = await meeting();
    // Attendees are the people who took a seat in the meeting (presence names are not recorded).
    const kofi = joinMeeting(server.url, board, board.tokens.viewer, { name: 'Kofi' });
    await kofi.until((st) => st.roster.some((r) => r.name === 'Kofi'), 'Kofi seated');
    kofi.close();
    addDecision(y.doc, card, { text: 'Priya ships by Friday', decidedBy: 'Ana' });
    updateCard(y.doc, card, { done: true });
    createCard(y.doc, { column: 'needs', asker: 'Lee', addressee: 'Sam', what: 'Budget' });
    createCard(y.doc, { column: 'challenges', problem: 'Churn', proposals: ['Exit calls'] });
    await waitFor(async () => (await restList(board)).length === 1, 'item stored');
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}/summary`, undefined, board.tokens.viewer)).body.attendees.includes('Kofi'),
      'attendee seen',
    );
    const s = (await api(server.url, 'GET', `/api/boards/${board.id}/summary`, undefined, board.tokens.viewer)).body;
    expect(s).toMatchObject({
      purpose: 'Unblock each other',
      meetingDate: '2026-11-24',
      agenda: [{ title: 'Launch', done: true, decisions: [{ text: 'Priya ships by Friday', owners: ['Priya'], due: '2026-11-27' }] }],
      decisions: [expect.objectContaining({ cardTitle: 'Launch' })],
      actionItems: [expect.objectContaining({ owners: ['Priya'] })],
      openNeeds: [{ asker: 'Lee', addressee: 'Sam', what: 'Budget' }],
      unresolvedChallenges: [{ problem: 'Churn', status: 'open', proposals: ['Exit calls'] }],
    });
    expect(s.attendees).toEqual(expect.arrayContaining(['Kofi', 'Ana']));
  });

  it('the summary is posted to the webhook, retried after a failure, with Slack-compatible text', async () => {
    const { board, y, card } = await meeting();
    addDecision(y.doc, card, { text: '@Sam calls the supplier by 2026-12-03', decidedBy: 'Ana' });
    await waitFor(async () => (await restList(board)).length === 1, 'item stored');
    const hook = await receiver(1);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/summary/send`, undefined, board.tokens.facilitator)).status).toBe(409);
    expect((await api(server.url, 'PUT', `/api/boards/${board.id}/webhook`, { url: 'ftp://x.example' }, board.tokens.facilitator)).status).toBe(400);
    expect((await api(server.url, 'PUT', `/api/boards/${board.id}/webhook`, { url: hook.url }, board.tokens.participant)).status).toBe(403);
    expect((await api(server.url, 'PUT', `/api/boards/${board.id}/webhook`, { url: hook.url }, board.tokens.facilitator)).status).toBe(200);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/summary/send`, undefined, board.tokens.facilitator)).status).toBe(202);
    await waitFor(() => hook.bodies.length === 1, 'delivered after a retry');
    await waitFor(() => !server.app.summaries.delivering(board.id), 'delivery finished');
    expect(hook.calls()).toBe(2);
    expect(hook.bodies[0]).toMatchObject({
      board: { id: board.id, title: 'Weekly cross-team sync', meetingDate: '2026-11-24' },
      actionItems: [expect.objectContaining({ owners: ['Sam'], due: '2026-12-03' })],
    });
    expect(hook.bodies[0].text).toContain('## Action items');
    // What the meeting module calls on meeting end; resolves with the outcome.
    await expect(server.app.summaries.sendMeetingSummary(board.id)).resolves.toMatchObject({ ok: true, attempts: 1 });
  });
});

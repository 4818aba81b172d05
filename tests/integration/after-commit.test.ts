/**
 * One order for every side effect: a change is stored first, and only then does anything else happen — peers
 * hear of it, its action item is written and announced. And a client served a board as it loads finds the
 * whole stored board in it when it says it is synced. Both proven on a real server process killed with
 * SIGKILL and restarted on the same data directory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { io as ioClient, type Socket } from 'socket.io-client';
import { addDecision, createCard, listCards } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import type { Ack, ActionsChangedEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { api, createBoard, tempDataDir } from '../helpers/server.js';
import { freePort, startChildServer, type ChildServer } from '../helpers/child-server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: ChildServer | null = null;
let clients: YClient[] = [];
let sockets: Socket[] = [];
let held: Database.Database | null = null;

afterEach(async () => {
  for (const c of clients) c.destroy();
  for (const s of sockets) s.disconnect();
  clients = [];
  sockets = [];
  held?.close();
  held = null;
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) {
    server.proc.kill('SIGKILL');
    await server.exited;
  }
  server = null;
});

async function kill(s: ChildServer): Promise<void> {
  s.proc.kill('SIGKILL');
  await s.exited;
}

const entries = (doc: Y.Doc): string[] => doc.getArray<string>('after-commit').toArray();

/** Watches a board's action items over socket.io; resolves with what it hears, once the watch is answered. */
async function watchActions(
  url: string,
  board: { id: string; tokens: { viewer: string } },
): Promise<{ heard: ActionsChangedEvent[]; first: Ack<ActionItem[]> }> {
  const watcher: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(url, { transports: ['websocket'] });
  sockets.push(watcher);
  const heard: ActionsChangedEvent[] = [];
  watcher.on('actions:changed', (e) => heard.push(e));
  const first = await new Promise<Ack<ActionItem[]>>((r) => watcher.emit('actions:watch', { boardId: board.id, token: board.tokens.viewer }, r));
  return { heard, first };
}

/**
 * From now on the server cannot append to the board log (a trigger refuses the insert), while every other table
 * still takes writes: the moment between "the change is in memory" and "the change is stored", held open.
 */
function holdAppends(dataDir: string): Database.Database {
  held = new Database(path.join(dataDir, 'meshboard.sqlite'));
  held.exec(`CREATE TRIGGER hold_updates BEFORE INSERT ON updates BEGIN SELECT RAISE(ABORT, 'held by the test'); END`);
  return held;
}

/** The close codes a client's connection gets from now on. */
function closeCodes(c: YClient): number[] {
  const codes: number[] = [];
  c.provider.on('connection-close', (e: CloseEvent | null) => e && codes.push(e.code));
  return codes;
}

describe('side effects after the commit', () => {
  it('killed between extraction and append: no orphan action item, and nobody heard of the unstored decision', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    server = await startChildServer(dataDir, port);
    const board = await createBoard(server.url);
    const writer = connect(server.wsUrl, board);
    const peer = connect(server.wsUrl, board);
    clients.push(writer, peer);
    await Promise.all([synced(writer), synced(peer)]);
    const cardId = createCard(writer.doc, { column: 'agenda', title: 'Hiring plan' });
    await waitFor(() => listCards(peer.doc, 'agenda').length === 1, 'card relayed');

    const { heard, first } = await watchActions(server.url, board);
    expect(first).toEqual({ ok: true, data: [] });

    // Anything derived from the decision that gets written while the append is held is an orphan.
    const held = holdAppends(dataDir);
    const closes = closeCodes(writer);
    addDecision(writer.doc, cardId, { text: '@Sam drafts the hiring memo by 2026-12-24', decidedBy: 'Ana' });
    // The server tried to store it, failed, and said so to its connections (1013, try again later).
    await waitFor(() => closes.includes(CloseCode.TryAgainLater), 'the writer is told the server cannot save');

    const actionRows = () => (held.prepare('SELECT COUNT(*) AS n FROM action_items WHERE board_id = ?').get(board.id) as { n: number }).n;
    expect(actionRows()).toBe(0);
    expect(heard).toEqual([]);
    expect(listCards(peer.doc, 'agenda')[0]).toMatchObject({ id: cardId, decisions: [] });

    // The process dies here. Nothing of the decision was stored, so nothing derived from it may exist.
    writer.destroy();
    peer.destroy();
    await kill(server);
    held.exec('DROP TRIGGER hold_updates');
    expect(actionRows()).toBe(0);

    server = await startChildServer(dataDir, port);
    const list = await api<{ actionItems: ActionItem[] }>(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer);
    expect(list.status).toBe(200);
    expect(list.body.actionItems).toEqual([]);
  }, 60_000);

  it('relays a change and writes its action item once it is stored: held, nothing; released, both', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    server = await startChildServer(dataDir, port);
    const board = await createBoard(server.url);
    const writer = connect(server.wsUrl, board);
    clients.push(writer);
    await synced(writer);
    const cardId = createCard(writer.doc, { column: 'agenda', title: 'Budget' });
    const { heard } = await watchActions(server.url, board);
    const held = holdAppends(dataDir);
    const closes = closeCodes(writer);
    addDecision(writer.doc, cardId, { text: '@Kim books the venue', decidedBy: 'Ana' });
    await waitFor(() => closes.includes(CloseCode.TryAgainLater), 'refused while held');
    expect(heard).toEqual([]);

    // Space comes back: the server's retry stores the decision, and then (only then) its item is announced.
    held.exec('DROP TRIGGER hold_updates');
    await waitFor(() => heard.some((e) => e.items.some((i) => i.text.includes('books the venue'))), 'the item is announced after the store');
    const list = await api<{ actionItems: ActionItem[] }>(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer);
    expect(list.body.actionItems).toEqual([expect.objectContaining({ owners: ['Kim'], status: 'open' })]);
  }, 60_000);
});

describe('sync step 2 on a cold load', () => {
  it('a stock y-websocket client reading on `sync` after a restart sees every stored entry', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    // A long log between snapshots, so the restart has a tail to serve after the snapshot.
    server = await startChildServer(dataDir, port, { COMPACT_EVERY: '100000' });
    const board = await createBoard(server.url);
    const writers = Array.from({ length: 20 }, () => connect(server!.wsUrl, board));
    const reader = connect(server.wsUrl, board);
    clients.push(...writers, reader);
    await Promise.all([...writers, reader].map(synced));
    const TOTAL = 600;
    for (let n = 0; n < TOTAL; n++) writers[n % writers.length].doc.getArray<string>('after-commit').push([`w${n % writers.length}:${n}`]);
    // Relayed to the reader = stored: the server relays nothing it has not stored.
    await waitFor(() => entries(reader.doc).length === TOTAL, 'every entry stored and relayed', 30_000);
    for (const c of clients) c.destroy();
    clients = [];
    await kill(server);

    server = await startChildServer(dataDir, port);
    // What code that reads the document on `sync` (a bot, an importer) gets to see.
    const late = connect(server.wsUrl, board, board.tokens.viewer);
    clients.push(late);
    const seenOnSync = await new Promise<number>((resolve) =>
      late.provider.on('sync', (isSynced: boolean) => {
        if (isSynced) resolve(entries(late.doc).length);
      }),
    );
    expect(seenOnSync).toBe(TOTAL);
  }, 90_000);
});

/**
 * A full disk, for real: the data directory is a small tmpfs that the test fills up. The server must refuse
 * edits it cannot store (closing the sender with 1013, answering REST with 503) rather than relay them, and
 * recover by itself when space returns, losing nothing. Needs root to mount a tmpfs, as CI has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cardsMap, createCard, listCards } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import { api, createBoard, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let mountPoint: string;
let server: TestServer | null = null;
const clients: YClient[] = [];

beforeAll(() => {
  mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'meshboard-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop().catch(() => undefined);
  execFileSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the file system until it refuses more; returns the filler's path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

describe('disk full', () => {
  it('refuses edits it cannot store, relays nothing unsaved, and recovers with nothing lost when space returns', async () => {
    const dataDir = path.join(mountPoint, 'data');
    server = await startServer({ dataDir });
    const board = await createBoard(server.url);
    const a = connect(server.wsUrl, board);
    const b = connect(server.wsUrl, board);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    createCard(a.doc, { column: 'agenda', title: 'Before the disk filled up' });
    await waitFor(() => listCards(b.doc, 'agenda').length === 1, 'first card relayed');

    const filler = fillDisk(mountPoint);
    const closes: number[] = [];
    a.provider.on('connection-close', (e: CloseEvent | null) => e && closes.push(e.code));
    // Large enough that SQLite must grow its write-ahead log, which the full disk refuses.
    // (Forty cards of full-length notes in one update: a text field itself holds at most 10,000 characters.)
    let big = '';
    a.doc.transact(() => {
      big = createCard(a.doc, { column: 'agenda', title: 'Written on a full disk', notes: 'x'.repeat(10_000) });
      for (let i = 0; i < 39; i++) createCard(a.doc, { column: 'challenges', problem: 'y'.repeat(10_000) });
    });
    await waitFor(() => closes.includes(CloseCode.TryAgainLater), 'the sender is told the server cannot save');
    expect(cardsMap(b.doc).has(big)).toBe(false);

    const rest = await api(
      server.url,
      'POST',
      `/api/boards/${board.id}/cards`,
      { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'x'.repeat(9000) },
      board.tokens.participant,
    );
    expect(rest.status).toBe(503);
    expect(rest.body.error.code).toBe('unavailable');
    expect(rest.headers.get('retry-after')).toBe('5');
    expect(cardsMap(b.doc).has(big)).toBe(false);

    fs.rmSync(filler);
    // The retry stores the kept changes and only then relays them; the sender reconnects by itself.
    await waitFor(() => cardsMap(b.doc).has(big), 'the kept edit is stored and relayed once space is back', 20_000);
    await waitFor(() => a.provider.wsconnected && a.provider.synced, 'the sender is back', 20_000);
    await waitFor(() => listCards(b.doc, 'needs').length === 1, 'the REST card too');

    await server.stop();
    server = await startServer({ dataDir });
    const fresh = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(fresh.body.columns.agenda.map((c: { title: string }) => c.title)).toEqual(['Before the disk filled up', 'Written on a full disk']);
    expect(fresh.body.columns.needs).toHaveLength(1);
  }, 60_000);
});

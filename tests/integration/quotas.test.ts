/**
 * Disk and memory cannot be filled fast: boards per client address, imports bounded in size and in how many
 * at once, versions saved by hand limited per board and kept within a quota, automatic versions deduplicated
 * and spaced. Every refusal is 429 with Retry-After (or 409/413 for a quota), with a message that says why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createCard, updateCard } from '../../shared/board-schema.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: TestServer | null = null;
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
});

const versions = async (s: TestServer, board: TestBoard) =>
  (await api<{ versions: VersionInfo[] }>(s.url, 'GET', `/api/boards/${board.id}/versions`, undefined, board.tokens.viewer)).body.versions;

describe('boards per client address', () => {
  it('the default lets a team create 60 boards an hour from one address, then answers 429 with Retry-After', async () => {
    server = await startServer({ config: { boardsPerHour: undefined } });
    const s = server;
    for (let i = 0; i < 60; i++) expect((await api(s.url, 'POST', '/api/boards', { title: `Board ${i}` })).status).toBe(201);
    const refused = await api(s.url, 'POST', '/api/boards', { title: 'One too many' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.body.error.message).toMatch(/at most 60 per hour/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Imports count against the same allowance (refused before the body is even read).
    expect((await api(s.url, 'POST', '/api/boards/import', { format: 'meshboard-board' })).status).toBe(429);
  });

  it('behind a trusted proxy each client address has its own allowance', async () => {
    server = await startServer({ config: { boardsPerHour: 2, trustProxy: 'loopback' } });
    const s = server;
    const from = (ip: string) =>
      fetch(`${s.url}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: '{"title":"t"}' });
    expect((await from('203.0.113.7')).status).toBe(201);
    expect((await from('203.0.113.7')).status).toBe(201);
    expect((await from('203.0.113.7')).status).toBe(429);
    expect((await from('198.51.100.9')).status).toBe(201);
  });
});

describe('imports', () => {
  it('an import over MAX_IMPORT_BYTES is refused with 413, and only IMPORTS_AT_ONCE are parsed at a time', async () => {
    server = await startServer({ config: { maxImportBytes: 64 * 1024, importsAtOnce: 1 } });
    const s = server;
    const big = await api(s.url, 'POST', '/api/boards/import', { format: 'meshboard-board', pad: 'x'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
    // One import holds the slot while its body trickles in; a second is refused until it is done.
    const url = new URL(`${s.url}/api/boards/import`);
    const slow = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1000' },
    });
    const slowDone = new Promise<number>((resolve) => slow.on('response', (r) => (r.resume(), resolve(r.statusCode ?? 0))));
    slow.write('{"format":');
    await waitFor(
      async () => (await api(s.url, 'POST', '/api/boards/import', { format: 'meshboard-board' })).status === 429,
      'a second import is refused while the first is parsed',
    );
    const second = await api(s.url, 'POST', '/api/boards/import', { format: 'meshboard-board' });
    expect(second.headers.get('retry-after')).toBe('5');
    slow.end('"nope"' + ' '.repeat(1000 - 17) + '}');
    expect(await slowDone).toBe(400);
    expect((await api(s.url, 'POST', '/api/boards/import', { format: 'meshboard-board' })).status).toBe(400);
  });
});

describe('versions', () => {
  it('saving by hand is limited per board per hour, and past the quota the oldest automatic versions make room', async () => {
    server = await startServer({ config: { versionSavesPerHour: 11, versionsPerBoard: 10 } });
    const s = server;
    const board = await createBoard(s.url);
    await s.app.history.save(board.id, 'Meeting started'); // automatic: saved by the server
    for (let i = 0; i < 9; i++) {
      expect((await api(s.url, 'POST', `/api/boards/${board.id}/versions`, { name: `v${i}` }, board.tokens.participant)).status).toBe(201);
    }
    expect((await versions(s, board)).map((v) => v.name)).toContain('Meeting started');
    // The tenth made by hand fills the quota: the automatic one goes.
    expect((await api(s.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'v9' }, board.tokens.participant)).status).toBe(201);
    const list = await versions(s, board);
    expect(list).toHaveLength(10);
    expect(list.map((v) => v.name)).not.toContain('Meeting started');
    // Nothing automatic left to go: the eleventh is refused, and nothing is lost.
    const full = await api(s.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'v10' }, board.tokens.participant);
    expect(full.status).toBe(409);
    expect(full.body.error).toMatchObject({ code: 'quota_exceeded' });
    expect(full.body.error.message).toMatch(/at most 10 versions/);
    expect(await versions(s, board)).toHaveLength(10);
    // And past the hourly allowance, 429 whatever the quota.
    const again = await api(s.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'v11' }, board.tokens.participant);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('ticking agenda items done and undone 100 times saves a handful of versions, not a hundred', async () => {
    server = await startServer();
    const s = server;
    const board = await createBoard(s.url);
    const y = connect(s.wsUrl, board);
    clients.push(y);
    await synced(y);
    const id = createCard(y.doc, { column: 'agenda', title: 'Launch', notes: 'n' });
    for (let i = 0; i < 100; i++) updateCard(y.doc, id, { done: i % 2 === 0 });
    await waitFor(async () => (await versions(s, board)).length >= 1, 'the first done saves a version');
    await s.app.registry.persisted();
    // One now; the rest wait for the gap and then come as one.
    expect(await versions(s, board)).toHaveLength(1);
  });

  it('an automatic version of a board that reads exactly as its latest version is not saved again', async () => {
    server = await startServer({ config: { autoVersionGapMs: 100 } });
    const s = server;
    const board = await createBoard(s.url);
    const y = connect(s.wsUrl, board);
    clients.push(y);
    await synced(y);
    const id = createCard(y.doc, { column: 'agenda', title: 'Launch' });
    updateCard(y.doc, id, { done: true });
    await waitFor(async () => (await versions(s, board)).length === 1, 'the first done saves a version');
    // Unticked and ticked again within the gap: the deferred version would repeat the first one.
    updateCard(y.doc, id, { done: false });
    updateCard(y.doc, id, { done: true });
    await waitFor(() => s.app.history.skippedDuplicates === 1, 'the deferred version is found to be a duplicate');
    expect(await versions(s, board)).toHaveLength(1);
    // A real change after the gap is saved.
    const other = createCard(y.doc, { column: 'agenda', title: 'Hiring' });
    updateCard(y.doc, other, { done: true });
    await waitFor(async () => (await versions(s, board)).length === 2, 'a different board is saved');
  });
});

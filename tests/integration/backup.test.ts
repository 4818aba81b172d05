import { afterEach, describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { addDecision, createCard, readBoard } from '../../shared/board-schema.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { api, createBoard, startServer, tempDataDir, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { freshDatabase } from '../helpers/postgres.js';

const servers: TestServer[] = [];
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.stop();
});

const start = async (dataDir?: string) => {
  const s = await startServer({ dataDir });
  servers.push(s);
  return s;
};

/** Runs the CLI as a real child process, as `npm run board -- …` does. */
function cli(
  args: string[],
  opts: { dataDir: string; stdin?: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'server/cli/board-cli.ts', ...args], {
      env: { ...process.env, DATA_DIR: opts.dataDir, PUBLIC_URL: 'https://board.example.org', npm_config_loglevel: 'silent', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A board with cards, a decision (→ action item marked done by a person) and a version, written by a real client. */
async function richBoard(server: TestServer): Promise<{ board: TestBoard; y: YClient }> {
  const board = await createBoard(server.url, 'Quarterly planning');
  const y = connect(server.wsUrl, board);
  clients.push(y);
  await synced(y);
  const card = createCard(y.doc, { column: 'agenda', title: 'Roadmap', notes: 'Q3 themes' });
  createCard(y.doc, { column: 'challenges', problem: 'Flaky CI', proposals: ['Quarantine'] });
  const d = addDecision(y.doc, card, { text: 'Priya writes the roadmap doc by 2026-12-04', decidedBy: 'Ana' })!;
  await waitFor(
    async () => (await api(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer)).body.actionItems.length === 1,
    'action item',
  );
  expect((await api(server.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'done' }, board.tokens.participant)).status).toBe(200);
  await api<VersionInfo>(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'Planning draft' }, board.tokens.participant);
  return { board, y };
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

// Each of these starts the CLI as its own process (tsx compiles it first): on a loaded two-core machine that
// alone can take many seconds, so they get more than the default timeout.
describe('board export and import (CLI)', { timeout: 90_000 }, () => {
  it('export → import into a fresh data dir → a real y-websocket client sees the same board, versions and action statuses', async () => {
    const a = await start();
    const { board, y } = await richBoard(a);
    // Exported while the server runs and a client is connected.
    const exported = await cli(['export', board.id], { dataDir: a.dataDir });
    expect(exported.stderr).toContain('exported "Quarterly planning"');
    expect(exported.code).toBe(0);
    const file = JSON.parse(exported.stdout);
    expect(file).toMatchObject({ format: 'meshboard-board', version: 1, board: { id: board.id, title: 'Quarterly planning' } });

    const freshDir = tempDataDir();
    fs.mkdirSync(freshDir, { recursive: true });
    new SqliteStore(freshDir).close(); // an empty Meshboard database, as a first start leaves it
    const imported = await cli(['import'], { dataDir: freshDir, stdin: exported.stdout });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const links = Object.fromEntries([...imported.stdout.matchAll(/^(facilitator|participant|viewer):\s+(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(links.facilitator).toMatch(/^https:\/\/board\.example\.org\/b\/[A-Za-z0-9]+\?token=/);
    const newId = new URL(links.facilitator).pathname.split('/').pop()!;
    expect(newId).not.toBe(board.id);

    const b = await start(freshDir);
    const copy: TestBoard = {
      id: newId,
      links: links as unknown as TestBoard['links'],
      tokens: { facilitator: tokenOf(links.facilitator), participant: tokenOf(links.participant), viewer: tokenOf(links.viewer) },
    };
    const c = connect(b.wsUrl, copy, copy.tokens.viewer);
    clients.push(c);
    await synced(c);
    const strip = (doc: Y.Doc) => readBoard(doc);
    expect(strip(c.doc)).toEqual(strip(y.doc));
    const versions = await api(b.url, 'GET', `/api/boards/${newId}/versions`, undefined, copy.tokens.viewer);
    expect(versions.body.versions.map((v: VersionInfo) => v.name)).toEqual(['Planning draft']);
    const actions = await api(b.url, 'GET', `/api/boards/${newId}/actions`, undefined, copy.tokens.viewer);
    expect(actions.body.actionItems).toEqual([
      expect.objectContaining({ text: expect.stringContaining('Priya writes the roadmap doc'), status: 'done', boardId: newId }),
    ]);
    // The old board's links open nothing on the new server.
    expect((await api(b.url, 'GET', `/api/boards/${newId}`, undefined, board.tokens.facilitator)).status).toBe(403);
  });

  it('with DATABASE_URL the command exports from PostgreSQL and imports into it, and sends backups to pg_dump', async () => {
    const source = await freshDatabase(inject('pgUrl'));
    const a = await startServer({ config: { databaseUrl: source } });
    servers.push(a);
    const { board, y } = await richBoard(a);
    const exported = await cli(['export', board.id], { dataDir: tempDataDir(), env: { DATABASE_URL: source } });
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ board: { id: board.id, title: 'Quarterly planning' } });

    const target = await freshDatabase(inject('pgUrl'));
    // The first server on the new database creates its schema; the command then imports into it.
    await (await startServer({ config: { databaseUrl: target } })).stop();
    const imported = await cli(['import'], { dataDir: tempDataDir(), stdin: exported.stdout, env: { DATABASE_URL: target } });
    expect(imported.code, imported.stderr).toBe(0);
    const links = Object.fromEntries([...imported.stdout.matchAll(/^(facilitator|participant|viewer):\s+(\S+)$/gm)].map((m) => [m[1], m[2]]));
    const b = await startServer({ config: { databaseUrl: target } });
    servers.push(b);
    const newId = new URL(links.viewer).pathname.split('/').pop()!;
    const c = connect(b.wsUrl, { id: newId, tokens: { participant: tokenOf(links.viewer) } }, tokenOf(links.viewer));
    clients.push(c);
    await synced(c);
    expect(readBoard(c.doc)).toEqual(readBoard(y.doc));

    const backup = await cli(['backup', path.join(tempDataDir(), 'copy.sqlite')], { dataDir: tempDataDir(), env: { DATABASE_URL: source } });
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain('pg_dump');
  });

  it('import refuses a bad file with a clear message and exit code 2, creating nothing', async () => {
    const dir = tempDataDir();
    new SqliteStore(dir).close();
    const notJson = await cli(['import'], { dataDir: dir, stdin: 'hello' });
    expect(notJson).toMatchObject({ code: 2, stderr: expect.stringContaining('not JSON') });
    const wrong = await cli(['import'], { dataDir: dir, stdin: JSON.stringify({ format: 'trello' }) });
    expect(wrong).toMatchObject({ code: 2, stderr: expect.stringContaining('meshboard-board') });
    const valid = {
      format: 'meshboard-board',
      version: 1,
      board: { id: 'board1', title: 'x', createdAt: 1 },
      document: 'AAEC',
      actionItems: [],
      versions: [],
      exportedAt: 1,
    };
    const badDoc = await cli(['import'], { dataDir: dir, stdin: JSON.stringify(valid) });
    expect(badDoc).toMatchObject({ code: 2, stderr: expect.stringContaining('document: not a Yjs document state') });
    const usage = await cli(['explode'], { dataDir: dir });
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
    const store = new SqliteStore(dir);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM boards').get()).toEqual({ n: 0 });
    await store.close();
  });

  it('backup copies the whole database consistently while the server runs and a client writes', async () => {
    const a = await start();
    const { board, y } = await richBoard(a);
    let writing = true;
    let n = 0;
    const writer = (async () => {
      while (writing) {
        createCard(y.doc, { column: 'needs', asker: 'A', addressee: 'B', what: `During backup ${n++}` });
        await new Promise((r) => setImmediate(r));
      }
    })();
    const target = path.join(tempDataDir(), 'backup.sqlite');
    const out = await cli(['backup', target], { dataDir: a.dataDir });
    writing = false;
    await writer;
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('backed up');
    // Exists now: a second backup to the same file is refused rather than overwriting it.
    expect((await cli(['backup', target], { dataDir: a.dataDir })).code).toBe(2);

    // The backup is a working data dir: a server on it serves the board with the same links.
    const restoredDir = tempDataDir();
    fs.copyFileSync(target, path.join(restoredDir, 'meshboard.sqlite'));
    const b = await start(restoredDir);
    const view = await api(b.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(view.status).toBe(200);
    expect(view.body.columns.agenda.map((c: { title: string }) => c.title)).toEqual(['Roadmap']);
    expect(view.body.columns.needs.length).toBeGreaterThan(0);
    expect((await api(b.url, 'GET', `/api/boards/${board.id}/versions`, undefined, board.tokens.viewer)).body.versions).toHaveLength(1);
  });
});

describe('board export and import (REST)', () => {
  it('a facilitator exports; importing needs the board-creation token when one is set, and makes a new board', async () => {
    const s = await startServer({ config: { boardCreateToken: 'create-token-0123456789' } });
    servers.push(s);
    const created = await api(s.url, 'POST', '/api/boards', { title: 'Secret sync' }, 'create-token-0123456789');
    const board: TestBoard = {
      id: created.body.id,
      links: created.body.links,
      tokens: {
        facilitator: tokenOf(created.body.links.facilitator),
        participant: tokenOf(created.body.links.participant),
        viewer: tokenOf(created.body.links.viewer),
      },
    };
    await api(s.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title: 'Budget' }, board.tokens.participant);
    expect((await api(s.url, 'GET', `/api/boards/${board.id}/export`, undefined, board.tokens.participant)).status).toBe(403);
    const file = await api(s.url, 'GET', `/api/boards/${board.id}/export`, undefined, board.tokens.facilitator);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/secret-sync-board\.json/);
    expect((await api(s.url, 'POST', '/api/boards/import', file.body)).status).toBe(401);
    const bad = await api(s.url, 'POST', '/api/boards/import', { ...file.body, version: 9 }, 'create-token-0123456789');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/version/);
    const imported = await api(s.url, 'POST', '/api/boards/import', file.body, 'create-token-0123456789');
    expect(imported.status).toBe(201);
    expect(imported.body.id).not.toBe(board.id);
    const view = await api(s.url, 'GET', `/api/boards/${imported.body.id}`, undefined, tokenOf(imported.body.links.viewer));
    expect(view.body).toMatchObject({ meta: { title: 'Secret sync' }, columns: { agenda: [expect.objectContaining({ title: 'Budget' })] } });
  });
});

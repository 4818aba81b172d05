import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { addDecision, applyTextDiff, cardText, createCard, deleteCard, moveCard, Root, setCurrentAgenda, updateCard } from '../../shared/board-schema.js';
import type { AuditEntry, AuditPageResponse, SearchResponse, VersionInfo } from '../../shared/history-schemas.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: TestServer;
const clients: YClient[] = [];
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.stop();
});

/** A connected participant who published their name, once the server has their awareness state. */
async function person(board: TestBoard, name: string, token = board.tokens.participant): Promise<YClient> {
  const c = connect(server.wsUrl, board, token);
  clients.push(c);
  c.provider.awareness.setLocalStateField('user', { name, color: '#175cd3' });
  await synced(c);
  await waitFor(
    () =>
      [...(server.app.registry.loaded(board.id)?.awareness.getStates().values() ?? [])].some((s) => (s.user as { name?: string } | undefined)?.name === name),
    `server knows ${name}`,
  );
  return c;
}

const audit = async (board: TestBoard, query = '') =>
  api<AuditPageResponse>(server.url, 'GET', `/api/boards/${board.id}/audit${query}`, undefined, board.tokens.viewer);
const entries = async (board: TestBoard, query = '') => (await audit(board, query)).body.entries;
const untilAudit = (board: TestBoard, what: string, pred: (e: AuditEntry[]) => boolean) => waitFor(async () => pred(await entries(board, '?limit=500')), what);

describe('the audit trail', () => {
  it('names the actor from their awareness state and role, and records what they did with the text of the time', async () => {
    const board = await createBoard(server.url);
    const priya = await person(board, 'Priya');
    const card = createCard(priya.doc, { column: 'agenda', title: 'Launch plan' });
    createCard(priya.doc, { column: 'agenda', title: 'Hiring' });
    // Typing: many updates, one line per actor, card and field within a minute.
    const notes = cardText(priya.doc, card, 'notes')!;
    for (const text of ['W', 'We', 'We s', 'We ship', 'We ship Friday']) applyTextDiff(notes, text);
    moveCard(priya.doc, card, 5);
    addDecision(priya.doc, card, { text: 'Priya ships the FAQ', decidedBy: 'Priya' });
    updateCard(priya.doc, card, { done: true });
    deleteCard(priya.doc, card);
    await untilAudit(board, 'the delete', (e) => e.some((x) => x.action === 'card.deleted'));

    const lines = (await entries(board)).reverse();
    expect(lines.filter((l) => l.action.startsWith('card.') || l.action.startsWith('decision.')).map((l) => [l.actor, l.role, l.action, l.summary])).toEqual([
      ['Priya', 'participant', 'card.created', 'created agenda item "Launch plan"'],
      ['Priya', 'participant', 'card.created', 'created agenda item "Hiring"'],
      ['Priya', 'participant', 'card.edited', 'edited notes of agenda item "Launch plan"'],
      ['Priya', 'participant', 'card.moved', 'moved agenda item "Launch plan"'],
      ['Priya', 'participant', 'decision.added', 'recorded decision on agenda item "Launch plan": "Priya ships the FAQ"'],
      ['Priya', 'participant', 'card.done', 'marked agenda item "Launch plan" done'],
      ['Priya', 'participant', 'card.deleted', 'deleted agenda item "Launch plan"'],
    ]);
    expect(lines.find((l) => l.action === 'card.deleted')!.cardId).toBe(card);
  });

  it('names REST, meeting and restore writes by their path, with the caller’s role; a nameless client is "unknown"', async () => {
    const board = await createBoard(server.url);
    const anon = connect(server.wsUrl, board);
    clients.push(anon);
    await synced(anon);
    createCard(anon.doc, { column: 'needs', asker: 'A', addressee: 'B', what: 'Numbers' });
    await api(server.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title: 'From a bot' }, board.tokens.participant);
    await api(server.url, 'PATCH', `/api/boards/${board.id}`, { title: 'Renamed' }, board.tokens.participant);
    const v = (await api<VersionInfo>(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'v1', by: 'Fran' }, board.tokens.participant)).body;
    await api(server.url, 'POST', `/api/boards/${board.id}/versions/${v.id}/restore`, { by: 'Fran' }, board.tokens.facilitator);
    await untilAudit(board, 'restore line', (e) => e.some((x) => x.action === 'version.restored'));
    const lines = (await entries(board)).reverse().map((l) => [l.actor, l.role, l.action]);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['unknown', 'participant', 'card.created'],
        ['rest', 'participant', 'card.created'],
        ['rest', 'participant', 'board.edited'],
        ['Fran', 'participant', 'version.saved'],
        ['Fran', 'facilitator', 'version.saved'],
        ['Fran', 'facilitator', 'version.restored'],
      ]),
    );
  });

  it('filters by actor, action, text and time, and pages with a cursor', async () => {
    const board = await createBoard(server.url);
    const ana = await person(board, 'Ana');
    const sam = await person(board, 'Sam');
    const items = ['One', 'Two', 'Three', 'Four 100%_done'].map((t) => createCard(ana.doc, { column: 'agenda', title: t }));
    await untilAudit(board, "Ana's cards", (e) => e.length >= 4);
    // Sam's edits reach Ana's document too, but the server names who sent them.
    await waitFor(() => sam.doc.getMap('cards').size === 4, 'Sam synced');
    setCurrentAgenda(sam.doc, items[1]);
    await untilAudit(board, "Sam's line", (e) => e.some((x) => x.actor === 'Sam'));

    expect((await entries(board, '?actor=sam')).map((e) => e.summary)).toEqual(['moved the meeting to agenda item "Two"']);
    expect((await entries(board, '?action=card.created')).length).toBe(4);
    expect((await entries(board, `?q=${encodeURIComponent('100%_')}`)).map((e) => e.summary)).toEqual(['created agenda item "Four 100%_done"']);
    expect((await entries(board, `?q=${encodeURIComponent('%')}`)).length).toBe(1); // LIKE wildcards are escaped
    expect(await entries(board, `?to=${Date.now() - 3_600_000}`)).toEqual([]);
    expect((await entries(board, `?from=${new Date(Date.now() - 60_000).toISOString()}`)).length).toBe(5);

    const first = await audit(board, '?limit=2');
    expect(first.body.entries.map((e) => e.actor)).toEqual(['Sam', 'Ana']);
    const second = await audit(board, `?limit=2&cursor=${first.body.nextCursor}`);
    const third = await audit(board, `?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.nextCursor).toBeNull();
    expect([...first.body.entries, ...second.body.entries, ...third.body.entries].map((e) => e.id)).toEqual((await entries(board)).map((e) => e.id));
  });

  it('refuses bad query parameters with a 400 that names them; a viewer may read, no token may not', async () => {
    const board = await createBoard(server.url);
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=abc', 'limit'],
      ['?action=card.exploded', 'action'],
      ['?from=someday', 'from'],
      ['?cursor=-1', 'cursor'],
      ['?q=', 'q'],
      ['?order=asc', 'order'],
      ['?actor=a&actor=b', 'actor'],
    ]) {
      const r = await audit(board, query);
      expect(r.status, query).toBe(400);
      expect((r.body as unknown as { error: unknown }).error).toMatchObject({ code: 'bad_request', field });
    }
    expect((await api(server.url, 'GET', `/api/boards/${board.id}/audit.xml`, undefined, board.tokens.viewer)).status).toBe(400);
    expect((await api(server.url, 'GET', `/api/boards/${board.id}/audit`)).status).toBe(401);
  });

  it('exports as CSV with formula-like cells neutralised, and as JSON', async () => {
    const board = await createBoard(server.url);
    const evil = await person(board, '=HYPERLINK("http://evil.example","x")');
    createCard(evil.doc, { column: 'challenges', problem: '=1+2' });
    await untilAudit(board, 'evil line', (e) => e.length === 1);
    const csv = await api<string>(server.url, 'GET', `/api/boards/${board.id}/audit.csv?token=${board.tokens.viewer}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="?weekly-cross-team-sync-audit\.csv"?$/);
    const rows = parseCsv(csv.body) as string[][];
    expect(rows[0]).toEqual(['id', 'at', 'actor', 'role', 'action', 'card_id', 'field', 'summary']);
    expect(rows[1][2]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[1][7]).toBe('created challenge "=1+2"');
    const json = await api(server.url, 'GET', `/api/boards/${board.id}/audit.json?action=card.created`, undefined, board.tokens.viewer);
    expect(json.body.entries).toHaveLength(1);
  });

  it('the lines of edits the server received just before it stops survive a restart', async () => {
    const board = await createBoard(server.url);
    const priya = await person(board, 'Priya');
    const live = server.app.registry.loaded(board.id)!.doc;
    // The stop begins as the server applies the last card, before that card (and its audit line) is stored.
    const stopped = new Promise<void>((resolve, reject) =>
      live.on('update', () => {
        if (live.getMap(Root.cards).size === 3) queueMicrotask(() => server.stop().then(resolve, reject));
      }),
    );
    priya.doc.transact(() => {
      for (const title of ['Launch plan', 'Hiring', 'Budget']) createCard(priya.doc, { column: 'agenda', title });
    });
    await stopped;
    for (const c of clients.splice(0)) c.destroy();
    server = await startServer({ dataDir: server.dataDir });
    const created = (await entries(board)).filter((l) => l.action === 'card.created').map((l) => l.summary);
    expect(created.reverse()).toEqual(['created agenda item "Launch plan"', 'created agenda item "Hiring"', 'created agenda item "Budget"']);
  });
});

describe('search', () => {
  it('finds cards, decisions, action items, versions and audit lines, case-insensitively', async () => {
    const board = await createBoard(server.url);
    const ana = await person(board, 'Ana');
    const card = createCard(ana.doc, { column: 'agenda', title: 'Churn review', notes: 'look at CHURN by region' });
    createCard(ana.doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Nothing relevant' });
    addDecision(ana.doc, card, { text: 'Sam builds a churn dashboard by Friday', decidedBy: 'Ana' });
    await api(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'After churn talk' }, board.tokens.participant);
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer)).body.actionItems.length === 1,
      'action item',
    );
    await untilAudit(board, 'decision line', (e) => e.some((x) => x.action === 'decision.added'));

    const r = await api<SearchResponse>(server.url, 'GET', `/api/boards/${board.id}/search?q=ChUrN`, undefined, board.tokens.viewer);
    expect(r.status).toBe(200);
    const kinds = r.body.results.map((x) => [x.kind, x.text]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['card', 'Churn review'],
        ['card', 'look at CHURN by region'],
        ['decision', 'Sam builds a churn dashboard by Friday'],
        ['action', expect.stringMatching(/churn dashboard/)],
        ['version', 'After churn talk'],
        ['audit', 'Ana: created agenda item "Churn review"'],
      ]),
    );
    expect(kinds.some(([, t]) => t === 'Nothing relevant')).toBe(false);
    const limited = await api<SearchResponse>(server.url, 'GET', `/api/boards/${board.id}/search?q=churn&limit=2`, undefined, board.tokens.viewer);
    expect(limited.body).toMatchObject({ truncated: true, results: [expect.anything(), expect.anything()] });

    for (const q of ['', '%20', 'x'.repeat(201)]) {
      const bad = await api(server.url, 'GET', `/api/boards/${board.id}/search?q=${q}`, undefined, board.tokens.viewer);
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe('q');
    }
    expect((await api(server.url, 'GET', `/api/boards/${board.id}/search?q=churn`)).status).toBe(401);
  });
});

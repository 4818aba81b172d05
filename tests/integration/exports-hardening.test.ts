/**
 * Exports under hostile input, end to end: text put in over REST, by a raw y-websocket client and through
 * the import endpoint comes back from actions.ics / .csv / .md, the summary webhook and audit.csv, parsed by
 * real parsers (ical.js, csv-parse read as a spreadsheet reads rows). Imports are validated like any other
 * input, and a bad timestamp already in the database makes no export fail.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { createCard } from '../../shared/board-schema.js';
import type { ActionListResponse } from '../../shared/action-schemas.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import type { AuditPageResponse, BoardExport } from '../../shared/history-schemas.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import {
  FORMULA_START,
  HOSTILE_TEXTS,
  MASS_MENTION,
  csvRowsLikeASpreadsheet,
  icsExpected,
  lf,
  markdownBlockLines,
  unneutralise,
} from '../helpers/hostile-text.js';

let server: TestServer;
const clients: YClient[] = [];
const receivers: http.Server[] = [];

beforeEach(async () => {
  // The webhook receiver below listens on loopback.
  server = await startServer({ config: { webhookAllowHosts: '127.0.0.1' } });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const r of receivers.splice(0)) await new Promise((done) => r.close(done));
  await server.stop();
});

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const asBoard = (body: { id: string; links: TestBoard['links'] }): TestBoard => ({
  id: body.id,
  links: body.links,
  tokens: { facilitator: tokenOf(body.links.facilitator), participant: tokenOf(body.links.participant), viewer: tokenOf(body.links.viewer) },
});
const get = (board: TestBoard, path: string) => api<string>(server.url, 'GET', `/api/boards/${board.id}${path}`, undefined, board.tokens.viewer);

/** The last instant with a four-digit year: the latest time an export can write. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const TITLE = 'Sync\r\nBEGIN:VTODO\r\nSUMMARY:injected\r\nEND:VTODO\rX-EVIL:1\r# not a heading @channel';

/** A board whose every text field people can type holds hostile text, written over REST. */
async function hostileBoard(): Promise<TestBoard> {
  const created = await api(server.url, 'POST', '/api/boards', { title: TITLE, purpose: 'p\r# purpose heading\r@here' });
  expect(created.status).toBe(201);
  const board = asBoard(created.body);
  const card = await api(
    server.url,
    'POST',
    `/api/boards/${board.id}/cards`,
    { column: 'agenda', title: "Launch\r=cmd|' /C calc'!A0", owner: 'Priya\r- list' },
    board.tokens.participant,
  );
  expect(card.status).toBe(201);
  for (const text of HOSTILE_TEXTS) {
    const res = await api(
      server.url,
      'POST',
      `/api/boards/${board.id}/cards/${card.body.card.id}/decisions`,
      { text, owner: 'Bo\r=cmd, @here' },
      board.tokens.participant,
    );
    expect(res.status).toBe(201);
  }
  const need = { column: 'needs', asker: 'Lee\r# h', addressee: 'Sam\r=1+1', what: HOSTILE_TEXTS[0], byWhen: '2026-12-03', status: 'accepted' };
  expect((await api(server.url, 'POST', `/api/boards/${board.id}/cards`, need, board.tokens.participant)).status).toBe(201);
  const open = { column: 'needs', asker: 'Ana\r@everyone', addressee: 'Kofi\r- x', what: HOSTILE_TEXTS[10] };
  expect((await api(server.url, 'POST', `/api/boards/${board.id}/cards`, open, board.tokens.participant)).status).toBe(201);
  const challenge = { column: 'challenges', problem: HOSTILE_TEXTS[8], proposals: [HOSTILE_TEXTS[10]] };
  expect((await api(server.url, 'POST', `/api/boards/${board.id}/cards`, challenge, board.tokens.participant)).status).toBe(201);
  return board;
}

/** What DESCRIPTION says about an item (docs/api.md), before iCalendar escaping. */
function description(i: ActionItem, meetingDate: string): string {
  return [
    `Owners: ${i.owners.length ? i.owners.join(', ') : 'unassigned'}`,
    i.dueFlag === 'unparseable'
      ? `Due as typed (not understood): ${i.dueText}`
      : i.dueFlag === 'past'
        ? `Due ${i.due}, before the meeting (${meetingDate})`
        : '',
    `From: ${i.cardTitle || i.column}`,
    i.decidedBy ? `Decided by: ${i.decidedBy}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Downloads the action list in every format and checks each against the JSON list, read by real parsers. */
async function exportsHold(board: TestBoard): Promise<ActionListResponse> {
  const json = await api<ActionListResponse>(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer);
  expect(json.status).toBe(200);
  const list = json.body;
  expect(list.actionItems.length).toBeGreaterThan(0);

  const ics = await get(board, '/actions.ics');
  expect(ics.status).toBe(200);
  expect(ics.body).not.toMatch(/NaN/);
  const cal = new ICAL.Component(ICAL.parse(ics.body));
  expect(cal.getAllProperties().map((p) => p.name)).toEqual(['prodid', 'version', 'calscale', 'x-wr-calname']);
  expect(cal.getFirstPropertyValue('x-wr-calname')).toBe(icsExpected(`Action items: ${list.title}`));
  const dated = list.actionItems.filter((i) => i.due !== null);
  // The meeting, each dated item's day, then each item's to-do.
  expect(cal.getAllSubcomponents().map((c) => c.name)).toEqual(['vevent', ...dated.map(() => 'vevent'), ...list.actionItems.map(() => 'vtodo')]);
  const todos = cal.getAllSubcomponents('vtodo');
  todos.forEach((todo, n) => {
    const i = list.actionItems[n];
    expect(todo.getFirstPropertyValue('uid')).toBe(`${i.id}.${board.id}@meshboard`);
    expect(todo.getFirstPropertyValue('summary')).toBe(icsExpected(i.text));
    expect(todo.getFirstPropertyValue('description')).toBe(icsExpected(description(i, list.meetingDate)));
  });

  const csv = await get(board, '/actions.csv');
  expect(csv.status).toBe(200);
  const rows = csvRowsLikeASpreadsheet(csv.body);
  expect(rows).toHaveLength(list.actionItems.length + 1);
  rows.slice(1).forEach((row, n) => {
    const i = list.actionItems[n];
    expect(row.map(unneutralise)).toEqual(
      [i.id, i.status, i.text, i.owners.join('; '), i.due ?? '', i.dueText, i.dueFlag ?? '', i.column, i.cardTitle, i.decidedBy]
        .map(lf)
        .concat([new Date(i.createdAt).toISOString(), new Date(i.updatedAt).toISOString()]),
    );
    for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
  });

  const md = await get(board, '/actions.md');
  expect(md.status).toBe(200);
  const blocks = markdownBlockLines(md.body);
  for (const line of blocks.filter((l) => l.startsWith('#'))) expect(line).toMatch(/^# Action items: |^## (Open|Done|Cancelled) \(\d+\)$/);
  expect(blocks.filter((l) => !l.startsWith('#'))).toHaveLength(list.actionItems.length);
  expect(md.body).not.toContain('\r');
  expect(md.body).not.toMatch(MASS_MENTION);
  return list;
}

describe('exports of hostile text', () => {
  it('text with CRLF, bare CR, calendar lines, formulas and mass mentions, put in over REST, comes back whole from actions.ics, .csv and .md', async () => {
    const board = await hostileBoard();
    const list = await exportsHold(board);
    expect(list.title).toBe(TITLE);
    expect(list.actionItems.map((i) => i.text)).toEqual(expect.arrayContaining(HOSTILE_TEXTS.map((t) => t.trim())));
    // The injection of the finding: one calendar, the meeting's event, the items' VTODOs and nothing else.
    const ics = (await get(board, '/actions.ics')).body;
    const dated = list.actionItems.filter((i) => i.due !== null).length;
    expect(ics.match(/^BEGIN:/gm)).toHaveLength(2 + dated + list.actionItems.length);
    expect(ics).not.toMatch(/^(SUMMARY:injected|X-EVIL|UID:evil)/m);
  });

  it('the summary posted to the webhook has only its own headings and list items, and pings no channel', async () => {
    const board = await hostileBoard();
    const bodies: Array<{ text: string }> = [];
    const receiver = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        res.writeHead(200).end('ok');
      });
    });
    receivers.push(receiver);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect((await api(server.url, 'PUT', `/api/boards/${board.id}/webhook`, { url }, board.tokens.facilitator)).status).toBe(200);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/summary/send`, undefined, board.tokens.facilitator)).status).toBe(202);
    await waitFor(() => bodies.length === 1, 'summary delivered');
    const summary = (await api(server.url, 'GET', `/api/boards/${board.id}/summary`, undefined, board.tokens.viewer)).body;

    const { text } = bodies[0];
    expect(text).not.toContain('\r');
    expect(text).not.toMatch(MASS_MENTION);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('@Sam'); // a person is still mentioned
    const blocks = markdownBlockLines(text);
    expect(blocks.filter((l) => l.startsWith('#'))).toEqual([
      expect.stringMatching(/^# Sync/),
      '## Agenda',
      '## Decisions',
      '## Action items',
      '## Open requests',
      '## Unresolved challenges',
    ]);
    const lists =
      summary.agenda.length +
      summary.agenda.reduce((n: number, a: { decisions: unknown[] }) => n + a.decisions.length, 0) +
      summary.decisions.length +
      summary.actionItems.filter((i: ActionItem) => i.status !== 'cancelled').length +
      summary.openNeeds.length +
      summary.unresolvedChallenges.length;
    expect(blocks.filter((l) => !l.startsWith('#'))).toHaveLength(lists);
  });

  it("audit.csv keeps an actor's presence name and card text with a bare CR in one row, neutralised", async () => {
    const board = await createBoard(server.url);
    const name = "Priya\r=cmd|' /C calc'!A0";
    const priya = connect(server.wsUrl, board);
    clients.push(priya);
    priya.provider.awareness.setLocalStateField('user', { name, color: '#175cd3' });
    await synced(priya);
    await waitFor(
      () =>
        [...(server.app.registry.loaded(board.id)?.awareness.getStates().values() ?? [])].some((s) => (s.user as { name?: string } | undefined)?.name === name),
      'server knows the name',
    );
    for (const title of HOSTILE_TEXTS.slice(0, 6)) createCard(priya.doc, { column: 'agenda', title });
    for (const title of HOSTILE_TEXTS.slice(6)) {
      expect((await api(server.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title }, board.tokens.participant)).status).toBe(201);
    }
    const audit = async () =>
      (await api<AuditPageResponse>(server.url, 'GET', `/api/boards/${board.id}/audit?limit=500`, undefined, board.tokens.viewer)).body.entries;
    await waitFor(async () => (await audit()).filter((e) => e.action === 'card.created').length === HOSTILE_TEXTS.length, 'every card audited');
    const entries = await audit();
    expect(entries.some((e) => e.actor === name)).toBe(true);

    const csv = await get(board, '/audit.csv');
    expect(csv.status).toBe(200);
    const rows = csvRowsLikeASpreadsheet(csv.body);
    expect(rows[0]).toEqual(['id', 'at', 'actor', 'role', 'action', 'card_id', 'field', 'summary']);
    expect(rows).toHaveLength(entries.length + 1);
    rows.slice(1).forEach((row, n) => {
      const e = entries[n];
      expect(row.map(unneutralise)).toEqual(
        [String(e.id), new Date(e.at).toISOString(), e.actor, e.role, e.action, e.cardId ?? '', e.field ?? '', e.summary].map(lf),
      );
      for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
    });
  });
});

describe('imports are validated like any other input', () => {
  /** Boards in the database, read with a second connection. */
  function boardCount(): number {
    const db = new SqliteStore(server.dataDir);
    try {
      return (db.db.prepare('SELECT COUNT(*) AS n FROM boards').get() as { n: number }).n;
    } finally {
      void db.close();
    }
  }

  /** A real export: a board with a card, a decision (an action item) and a saved version. */
  async function realExport(): Promise<BoardExport> {
    const board = await createBoard(server.url, 'Quarterly planning');
    const card = await api(server.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title: 'Roadmap' }, board.tokens.participant);
    await api(
      server.url,
      'POST',
      `/api/boards/${board.id}/cards/${card.body.card.id}/decisions`,
      { text: 'Priya writes the doc', due: '2026-12-04' },
      board.tokens.participant,
    );
    await api(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'Draft' }, board.tokens.participant);
    const file = await api<BoardExport>(server.url, 'GET', `/api/boards/${board.id}/export`, undefined, board.tokens.facilitator);
    expect(file.status).toBe(200);
    expect(file.body.actionItems).toHaveLength(1);
    expect(file.body.versions).toHaveLength(1);
    return file.body;
  }

  const item0 = (f: BoardExport, over: Record<string, unknown>): BoardExport => ({
    ...f,
    actionItems: [{ ...f.actionItems[0], ...over }] as BoardExport['actionItems'],
  });

  it.each([
    ['an action item created after the year 9999', (f: BoardExport) => item0(f, { createdAt: 1e20 }), 'actionItems.0.createdAt'],
    ['an action item updated before 1970', (f: BoardExport) => item0(f, { updatedAt: -1 }), 'actionItems.0.updatedAt'],
    ['a board created at the end of Date', (f: BoardExport) => ({ ...f, board: { ...f.board, createdAt: 8.64e15 } }), 'board.createdAt'],
    ['a version saved at 1e300', (f: BoardExport) => ({ ...f, versions: [{ ...f.versions[0], createdAt: 1e300 }] }), 'versions.0.createdAt'],
    ['a due date that is no day', (f: BoardExport) => item0(f, { due: '2026-02-30' }), 'actionItems.0.due'],
    ['an item id with a line break', (f: BoardExport) => item0(f, { id: 'dec:x\r\nBEGIN:VTODO' }), 'actionItems.0.id'],
    ['a text over the limit', (f: BoardExport) => item0(f, { text: 'x'.repeat(10_001) }), 'actionItems.0.text'],
    ['a thousand owners', (f: BoardExport) => item0(f, { owners: Array.from({ length: 1000 }, (_x, n) => `o${n}`) }), 'actionItems.0.owners'],
  ])('a file with %s gets 400 naming the field, and creates nothing', async (_name, spoil, field) => {
    const bad = spoil(await realExport());
    const before = boardCount();
    const res = await api(server.url, 'POST', '/api/boards/import', bad);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', field, message: expect.stringContaining(`${field}: `) });
    expect(boardCount()).toBe(before);
  });

  it('a file with hostile texts and the first and last writable instants imports, and every export of the new board holds', async () => {
    const file = await realExport();
    const base = file.actionItems[0];
    const hostile = HOSTILE_TEXTS.map((text, n) => ({
      ...base,
      id: `dec:imported${n}`,
      decisionId: `imported${n}`,
      text,
      cardTitle: text.slice(0, 500),
      owners: [text.slice(0, 80), '@channel'],
      dueText: text,
      dueFlag: 'unparseable' as const,
      due: null,
      decidedBy: text.slice(0, 80),
      createdAt: n % 2 ? 0 : LAST_INSTANT,
      updatedAt: LAST_INSTANT,
    }));
    const res = await api(server.url, 'POST', '/api/boards/import', { ...file, actionItems: [base, ...hostile] });
    expect(res.status).toBe(201);
    const list = await exportsHold(asBoard(res.body));
    expect(list.actionItems.map((i) => i.text)).toEqual(expect.arrayContaining([...HOSTILE_TEXTS]));
  });

  it('a timestamp no export can write, already in the database, makes no export fail', async () => {
    const board = await hostileBoard();
    await server.stop();
    // As an import before imports were validated left them: times past the year 9999 and before 1970.
    const db = new SqliteStore(server.dataDir);
    db.db.prepare('UPDATE action_items SET created_at = ?, updated_at = ? WHERE board_id = ?').run(1e20, -8.64e15, board.id);
    db.db.prepare('UPDATE audit_log SET at = ? WHERE board_id = ?').run(1e300, board.id);
    await db.close();
    server = await startServer({ dataDir: server.dataDir, config: { webhookAllowHosts: '127.0.0.1' } });

    for (const path of ['/actions', '/actions.json', '/actions.md', '/summary', '/audit', '/audit.json'])
      expect((await get(board, path)).status, path).toBe(200);
    const ics = await get(board, '/actions.ics');
    expect(ics.status).toBe(200);
    expect(ics.body).not.toMatch(/NaN|CREATED|LAST-MODIFIED/);
    const todos = new ICAL.Component(ICAL.parse(ics.body)).getAllSubcomponents('vtodo');
    expect(todos.length).toBeGreaterThan(HOSTILE_TEXTS.length);
    for (const t of todos) expect(t.getFirstPropertyValue('dtstamp')).toBeTruthy();
    const csv = await get(board, '/actions.csv');
    expect(csv.status).toBe(200);
    for (const row of csvRowsLikeASpreadsheet(csv.body).slice(1)) expect(row.slice(10)).toEqual(['', '']);
    const audit = await get(board, '/audit.csv');
    expect(audit.status).toBe(200);
    for (const row of csvRowsLikeASpreadsheet(audit.body).slice(1)) expect(row[1]).toBe('');
  });
});

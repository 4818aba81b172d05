/**
 * Board templates: the shipped files, creating a board from one, and a team saving its own board as a
 * template — over the real server's REST API.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDecision, createCards, type NewCard } from '../../shared/board-schema.js';
import { BoardTemplate, TEMPLATE_LIMITS, type TemplateSummary } from '../../shared/templates.js';
import { loadShippedTemplates, SHIPPED_TEMPLATES_DIR } from '../../server/templates/template-service.js';
import { MIGRATIONS, migrate } from '../../server/store/sqlite-migrations.js';
import { api, createBoard, startServer, tempDataDir, type TestBoard, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
const SHIPPED = ['weekly-sync', 'retrospective', 'lean-coffee'];
type List = { templates: TemplateSummary[] };
const saveTemplate = (s: TestServer, board: TestBoard, name: string) =>
  api(s.url, 'POST', `/api/boards/${board.id}/template`, { name }, board.tokens.facilitator);

describe('board templates', () => {
  const files = fs.readdirSync(SHIPPED_TEMPLATES_DIR).filter((f) => f.endsWith('.json'));

  it.each(files)('the shipped template %s validates and has a timeboxed agenda', (file) => {
    const tpl = BoardTemplate.parse(JSON.parse(fs.readFileSync(path.join(SHIPPED_TEMPLATES_DIR, file), 'utf8')));
    expect(`${tpl.id}.json`).toBe(file);
    expect(tpl.description.length).toBeGreaterThan(20);
    expect(tpl.cards.agenda.length).toBeGreaterThan(0);
    for (const item of tpl.cards.agenda) expect(item.timebox).toBeGreaterThan(0);
  });

  it('ships the weekly sync, a retrospective and lean coffee, and lists them', async () => {
    expect(
      loadShippedTemplates()
        .map((t) => t.id)
        .sort(),
    ).toEqual(['lean-coffee', 'retrospective', 'weekly-sync']);
    const res = await api<{ templates: TemplateSummary[] }>(server.url, 'GET', '/api/templates');
    expect(res.status).toBe(200);
    const weekly = res.body.templates.find((t) => t.id === 'weekly-sync');
    expect(weekly).toMatchObject({ name: 'Weekly cross-team sync', source: 'shipped', counts: { agenda: 6, needs: 0, challenges: 0 }, minutes: 60 });
    expect(res.body.templates.find((t) => t.id === 'retrospective')?.description).toMatch(/hidden writing/);
    expect(res.body.templates.map((t) => t.id)).toContain('lean-coffee');
  });

  it('a board created from a template starts with its cards and purpose', async () => {
    const res = await api(server.url, 'POST', '/api/boards', { title: 'Sync, week 12', template: 'weekly-sync' });
    expect(res.status).toBe(201);
    expect(res.body.purpose).toBe('Share what each team learned this week and unblock each other');
    const board = await api(server.url, 'GET', `/api/boards/${res.body.id}`, undefined, tokenOf(res.body.links.viewer));
    expect(board.body.meta.title).toBe('Sync, week 12');
    const agenda = board.body.columns.agenda as Array<{ title: string; timebox: number; notes: string; done: boolean }>;
    expect(agenda.map((c) => c.title)).toEqual([
      'Sales & business development',
      'Support & product',
      'Community & communications',
      'Management',
      'Everyone',
      'Wrap-up: decisions, owners and dates',
    ]);
    expect(agenda[0]).toMatchObject({ timebox: 10, done: false, notes: expect.stringContaining('Upcoming pitches') });
    expect(agenda[4].notes).toMatch(/What I need from you[\s\S]*Cultural challenges/);
  });

  it('a purpose given with the template wins over the template’s own', async () => {
    const res = await api(server.url, 'POST', '/api/boards', { title: 'Retro', purpose: 'Sprint 9', template: 'retrospective' });
    expect(res.status).toBe(201);
    expect(res.body.purpose).toBe('Sprint 9');
  });

  it('an unknown or malformed template id is refused with 400 naming the field', async () => {
    for (const template of ['no-such-template', '../../etc', 42]) {
      const res = await api(server.url, 'POST', '/api/boards', { title: 'X', template });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', field: 'template' });
    }
  });

  it('a facilitator saves a board as a template, and a new board made from it copies the structure only', async () => {
    const src = await createBoard(server.url, 'Design review', 'Review the week’s designs');
    const add = (body: object) => api(server.url, 'POST', `/api/boards/${src.id}/cards`, body, src.tokens.participant);
    const card = await add({ column: 'agenda', title: 'Open questions', owner: 'Ana', timebox: 15, notes: 'Bring screenshots', done: true });
    await add({ column: 'needs', asker: 'Ben', addressee: 'Design', what: 'Specs for the new form', status: 'accepted' });
    await add({ column: 'challenges', problem: 'Reviews run late', status: 'moving', proposals: ['Shorter slots'] });
    // A decision on the card: what the meeting made, not the board's structure.
    await server.app.registry.withBoard(src.id, (b) => addDecision(b.doc, card.body.card.id, { text: 'Ana ships the mockups by Friday', decidedBy: 'Ana' }));
    await server.app.registry.persisted();

    const refused = await api(server.url, 'POST', `/api/boards/${src.id}/template`, { name: 'Design review' }, src.tokens.participant);
    expect(refused.status).toBe(403);
    const bad = await api(server.url, 'POST', `/api/boards/${src.id}/template`, { name: '' }, src.tokens.facilitator);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('name');

    const saved = await api(
      server.url,
      'POST',
      `/api/boards/${src.id}/template`,
      { name: 'Design review', description: 'Our Thursday review' },
      src.tokens.facilitator,
    );
    expect(saved.status).toBe(201);
    expect(saved.body.template).toMatchObject({
      name: 'Design review',
      description: 'Our Thursday review',
      source: 'saved',
      counts: { agenda: 1, needs: 1, challenges: 1 },
      minutes: 15,
    });
    const list = await api<{ templates: TemplateSummary[] }>(server.url, 'GET', `/api/templates?saved=${saved.body.template.id}`);
    expect(list.body.templates.map((t) => t.id)).toContain(saved.body.template.id);

    // The source board may go; its template stays.
    expect((await api(server.url, 'DELETE', `/api/boards/${src.id}`, undefined, src.tokens.facilitator)).status).toBe(204);

    const made = await api(server.url, 'POST', '/api/boards', { title: 'Design review, week 3', template: saved.body.template.id });
    expect(made.status).toBe(201);
    expect(made.body.purpose).toBe('Review the week’s designs');
    const view = (await api(server.url, 'GET', `/api/boards/${made.body.id}`, undefined, tokenOf(made.body.links.viewer))).body;
    expect(view.columns.agenda).toEqual([
      expect.objectContaining({ title: 'Open questions', owner: 'Ana', timebox: 15, notes: 'Bring screenshots', done: false, decisions: [] }),
    ]);
    expect(view.columns.needs).toEqual([expect.objectContaining({ asker: 'Ben', addressee: 'Design', what: 'Specs for the new form', status: 'open' })]);
    expect(view.columns.challenges).toEqual([expect.objectContaining({ problem: 'Reviews run late', status: 'open', proposals: [] })]);
  });
});

describe('who can see a saved template', () => {
  it('a saved template is offered only to who holds its unguessable id, never in the anonymous list', async () => {
    const src = await createBoard(server.url, 'Our retro', 'What went well');
    await api(server.url, 'POST', `/api/boards/${src.id}/cards`, { column: 'agenda', title: 'Wins', timebox: 10 }, src.tokens.participant);
    const saved = await saveTemplate(server, src, 'Our retro');
    expect(saved.status).toBe(201);
    const id: string = saved.body.template.id;
    // At least 128 random bits, in the URL-safe alphabet ids use.
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);

    const anonymous = await api<List>(server.url, 'GET', '/api/templates');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.templates.map((t) => t.id)).toEqual(SHIPPED);
    expect(anonymous.body.templates.every((t) => t.source === 'shipped')).toBe(true);

    const mine = await api<List>(server.url, 'GET', `/api/templates?saved=${id},no-such-id`);
    expect(mine.body.templates.map((t) => t.id)).toEqual([...SHIPPED, id]);
    expect(mine.body.templates.at(-1)).toMatchObject({
      name: 'Our retro',
      source: 'saved',
      title: 'Our retro',
      purpose: 'What went well',
      counts: { agenda: 1 },
      minutes: 10,
    });
    const made = await api(server.url, 'POST', '/api/boards', { title: 'Retro 2', template: id });
    expect(made.status).toBe(201);
    expect(made.body.purpose).toBe('What went well');
  });

  it("a board's links list the templates saved from that board, and only those", async () => {
    const src = await createBoard(server.url, 'Planning');
    const other = await createBoard(server.url, 'Elsewhere');
    const a = (await saveTemplate(server, src, 'Planning A')).body.template.id;
    const b = (await saveTemplate(server, src, 'Planning B')).body.template.id;
    await saveTemplate(server, other, 'Not this one');

    const list = await api<List>(server.url, 'GET', `/api/boards/${src.id}/templates`, undefined, src.tokens.viewer);
    expect(list.status).toBe(200);
    expect(list.body.templates.map((t) => t.id).sort()).toEqual([a, b].sort());
    expect(list.body.templates.every((t) => t.source === 'saved')).toBe(true);
    expect((await api(server.url, 'GET', `/api/boards/${src.id}/templates`)).status).toBe(401);
    expect((await api(server.url, 'GET', `/api/boards/${src.id}/templates`, undefined, other.tokens.facilitator)).status).toBe(403);
  });

  it('asking for more saved ids than allowed, or for something that is not an id, is refused with 400 naming saved', async () => {
    const many = Array.from({ length: TEMPLATE_LIMITS.idsPerList + 1 }, (_, i) => `id-${i}`).join(',');
    const tooMany = await api(server.url, 'GET', `/api/templates?saved=${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'bad_request', field: 'saved', message: expect.stringMatching(/at most 50/) });
    const malformed = await api(server.url, 'GET', `/api/templates?saved=${encodeURIComponent('../x')}`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toMatch(/^saved/);
    expect((await api(server.url, 'GET', '/api/templates?saved=a1&saved=b2')).status).toBe(400);
    expect((await api(server.url, 'GET', '/api/templates?all=1')).status).toBe(400);
  });

  it("saved templates are listed from their summary, without reading the template's body", async () => {
    const src = await createBoard(server.url, 'Summary only');
    await api(server.url, 'POST', `/api/boards/${src.id}/cards`, { column: 'agenda', title: 'One', timebox: 5 }, src.tokens.participant);
    const id = (await saveTemplate(server, src, 'Summary only')).body.template.id;
    // Spoil the stored body: a list that parsed it would drop or fail on this row.
    const db = new Database(path.join(server.dataDir, 'meshboard.sqlite'));
    db.prepare('UPDATE board_templates SET data = ? WHERE id = ?').run('{ not json', id);
    db.close();
    const mine = await api<List>(server.url, 'GET', `/api/templates?saved=${id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.templates.at(-1)).toMatchObject({ id, name: 'Summary only', counts: { agenda: 1, needs: 0, challenges: 0 }, minutes: 5 });
    const fromBoard = await api<List>(server.url, 'GET', `/api/boards/${src.id}/templates`, undefined, src.tokens.viewer);
    expect(fromBoard.body.templates.map((t) => t.id)).toEqual([id]);
  });
});

describe('bounds on saved templates', () => {
  let bounded: TestServer;
  beforeAll(async () => {
    bounded = await startServer({ config: { templateSavesPerHour: TEMPLATE_LIMITS.savedPerBoard + 5 } });
  });
  afterAll(() => bounded.stop());

  it('a board whose template would pass 256 KiB is refused with 413 saying so, and nothing is saved', async () => {
    const src = await createBoard(bounded.url, 'Long notes');
    const cards: NewCard[] = Array.from({ length: 30 }, (_, i) => ({ column: 'agenda', title: `Item ${i}`, owner: '', timebox: 5, notes: 'n'.repeat(10_000) }));
    await bounded.app.registry.withBoard(src.id, (b) => createCards(b.doc, cards));
    const res = await saveTemplate(bounded, src, 'Too big');
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringMatching(/too large to save as a template .*at most 256 KiB/) });
    const list = await api<List>(bounded.url, 'GET', `/api/boards/${src.id}/templates`, undefined, src.tokens.viewer);
    expect(list.body.templates).toEqual([]);
  });

  it('a board keeps at most 50 saved templates; the next is refused with 409 saying so', async () => {
    const src = await createBoard(bounded.url, 'Prolific');
    for (let i = 0; i < TEMPLATE_LIMITS.savedPerBoard; i++) expect((await saveTemplate(bounded, src, `Copy ${i}`)).status).toBe(201);
    const refused = await saveTemplate(bounded, src, 'One too many');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/already has 50 saved templates/);
    const list = await api<List>(bounded.url, 'GET', `/api/boards/${src.id}/templates`, undefined, src.tokens.viewer);
    expect(list.body.templates).toHaveLength(TEMPLATE_LIMITS.savedPerBoard);
    // Another board is not affected.
    const other = await createBoard(bounded.url, 'Fresh');
    expect((await saveTemplate(bounded, other, 'First')).status).toBe(201);
  });

  it('saving templates is rate-limited per board: past the allowance 429 with Retry-After, while other boards still save', async () => {
    const limited = await startServer({ config: { templateSavesPerHour: 2 } });
    try {
      const src = await createBoard(limited.url, 'Busy');
      expect((await saveTemplate(limited, src, 'One')).status).toBe(201);
      expect((await saveTemplate(limited, src, 'Two')).status).toBe(201);
      const refused = await saveTemplate(limited, src, 'Three');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/templates saved from this board/) });
      const other = await createBoard(limited.url, 'Calm');
      expect((await saveTemplate(limited, other, 'One')).status).toBe(201);
    } finally {
      await limited.stop();
    }
  });
});

describe('templates saved before the upgrade', () => {
  it('keep working for whoever has their id, and are no longer listed to everyone', async () => {
    // A database as the previous release left it: every migration before this change, and its rows.
    const dataDir = tempDataDir();
    const old = new Database(path.join(dataDir, 'meshboard.sqlite'));
    migrate(
      old,
      MIGRATIONS.filter((m) => m.name !== '007-template-scope'),
    );
    const template: BoardTemplate = {
      id: 'Xk3mP9qRtZ2a',
      name: 'Old favourite',
      description: 'From before',
      title: 'Monday sync',
      purpose: 'Plan the week',
      cards: {
        agenda: [
          { title: 'Round', timebox: 15 },
          { title: 'Plans', timebox: 20 },
        ],
        needs: [{ what: 'Budget' }],
        challenges: [],
      },
    };
    const insert = old.prepare('INSERT INTO board_templates (id, name, data, source_board_id, created_at) VALUES (?, ?, ?, ?, ?)');
    insert.run(template.id, template.name, JSON.stringify(template), 'OldBoard12345678', 1_700_000_000_000);
    insert.run('Broken123456', 'Broken', '{ not json', null, 1_700_000_000_001);
    old.close();

    const upgraded = await startServer({ dataDir });
    try {
      const anonymous = await api<List>(upgraded.url, 'GET', '/api/templates');
      expect(anonymous.body.templates.map((t) => t.id)).toEqual(SHIPPED);
      const mine = await api<List>(upgraded.url, 'GET', `/api/templates?saved=${template.id},Broken123456`);
      expect(mine.body.templates.slice(SHIPPED.length)).toEqual([
        {
          id: template.id,
          name: 'Old favourite',
          description: 'From before',
          source: 'saved',
          title: 'Monday sync',
          purpose: 'Plan the week',
          counts: { agenda: 2, needs: 1, challenges: 0 },
          minutes: 35,
        },
      ]);
      const made = await api(upgraded.url, 'POST', '/api/boards', { title: 'Monday', template: template.id });
      expect(made.status).toBe(201);
      expect(made.body.purpose).toBe('Plan the week');
      const view = (await api(upgraded.url, 'GET', `/api/boards/${made.body.id}`, undefined, tokenOf(made.body.links.viewer))).body;
      expect(view.columns.agenda.map((c: { title: string }) => c.title)).toEqual(['Round', 'Plans']);
    } finally {
      await upgraded.stop();
    }
  });
});

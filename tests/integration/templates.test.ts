/**
 * Board templates: the shipped files, creating a board from one, and a team saving its own board as a
 * template — over the real server's REST API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDecision } from '../../shared/board-schema.js';
import { BoardTemplate, type TemplateSummary } from '../../shared/templates.js';
import { loadShippedTemplates, SHIPPED_TEMPLATES_DIR } from '../../server/templates/template-service.js';
import { api, createBoard, startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

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
    expect(loadShippedTemplates().map((t) => t.id).sort()).toEqual(['lean-coffee', 'retrospective', 'weekly-sync']);
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

    const saved = await api(server.url, 'POST', `/api/boards/${src.id}/template`, { name: 'Design review', description: 'Our Thursday review' }, src.tokens.facilitator);
    expect(saved.status).toBe(201);
    expect(saved.body.template).toMatchObject({ name: 'Design review', description: 'Our Thursday review', source: 'saved', counts: { agenda: 1, needs: 1, challenges: 1 }, minutes: 15 });
    const list = await api<{ templates: TemplateSummary[] }>(server.url, 'GET', '/api/templates');
    expect(list.body.templates.map((t) => t.id)).toContain(saved.body.template.id);

    // The source board may go; its template stays.
    expect((await api(server.url, 'DELETE', `/api/boards/${src.id}`, undefined, src.tokens.facilitator)).status).toBe(204);

    const made = await api(server.url, 'POST', '/api/boards', { title: 'Design review, week 3', template: saved.body.template.id });
    expect(made.status).toBe(201);
    expect(made.body.purpose).toBe('Review the week’s designs');
    const view = (await api(server.url, 'GET', `/api/boards/${made.body.id}`, undefined, tokenOf(made.body.links.viewer))).body;
    expect(view.columns.agenda).toEqual([expect.objectContaining({ title: 'Open questions', owner: 'Ana', timebox: 15, notes: 'Bring screenshots', done: false, decisions: [] })]);
    expect(view.columns.needs).toEqual([expect.objectContaining({ asker: 'Ben', addressee: 'Design', what: 'Specs for the new form', status: 'open' })]);
    expect(view.columns.challenges).toEqual([expect.objectContaining({ problem: 'Reviews run late', status: 'open', proposals: [] })]);
  });
});

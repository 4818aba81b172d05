/** The OpenAPI document and the server agree: the same routes, and real answers fit the documented schemas. */
import type express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { api, createBoard, startServer, type TestServer } from '../helpers/server.js';
import { API_ROUTES, openApiPath } from '../../server/http/openapi.js';
import { ApiErrorBody } from '../../shared/api-responses.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

interface Layer {
  rawPath?: string;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** `GET /api/boards/{id}` for every route express has under `/api`, read from its router stack. */
function registeredRoutes(web: express.Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of [layer.route.path].flat()) {
          for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${openApiPath(p)}`);
        }
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((web as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out.filter((r) => r.split(' ')[1].startsWith('/api/')).sort();
}

const documented = (doc: { paths: Record<string, Record<string, unknown>> }) =>
  Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();

/** The documented answer of a route: its success status and, where it has one, the schema of its body. */
function documentedOk(method: string, path: string): { status: number; schema: z.ZodType } {
  const route = API_ROUTES.find((r) => r.method === method && r.path === path);
  if (!route?.ok.schema) throw new Error(`no documented schema for ${method} ${path}`);
  return { status: route.ok.status, schema: route.ok.schema };
}

/** Asserts that a real answer has the documented status and parses with the documented schema. */
function expectDocumented(res: { status: number; body: unknown }, method: string, path: string) {
  const ok = documentedOk(method, path);
  expect(res.status, `${method} ${path}`).toBe(ok.status);
  const parsed = ok.schema.safeParse(res.body);
  expect(parsed.success ? [] : parsed.error.issues, `${method} ${path} fits its schema`).toEqual([]);
}

describe('OpenAPI document', () => {
  test('GET /api/openapi.json serves an OpenAPI 3.1 document with the server version', async () => {
    const res = await api(server.url, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Meshboard REST API', version: expect.any(String) } });
    const health = await api(server.url, 'GET', '/api/health');
    expect(res.body.info.version).toBe(health.body.version);
  });

  test('every route express registers under /api is in the document, and every documented route is registered', async () => {
    const doc = (await api(server.url, 'GET', '/api/openapi.json')).body;
    const registered = registeredRoutes(server.app.web);
    expect(registered.length).toBeGreaterThan(20);
    expect(documented(doc)).toEqual(registered);
  });

  test('every route documents its error body as the one the error handler sends', async () => {
    const doc = (await api(server.url, 'GET', '/api/openapi.json')).body;
    for (const [p, ops] of Object.entries<Record<string, { responses: Record<string, any> }>>(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        expect(op.responses['500'], `${m} ${p}`).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } });
      }
    }
    const missing = await api(server.url, 'GET', '/api/boards/nope', undefined, 'not-a-token');
    expect(ApiErrorBody.safeParse(missing.body).success).toBe(true);
    const invalid = await api(server.url, 'POST', '/api/boards', { title: '' });
    expect(invalid.status).toBe(400);
    expect(ApiErrorBody.parse(invalid.body).error).toMatchObject({ code: 'bad_request', field: 'title' });
    expect(doc.paths['/api/boards'].post.responses['400']).toBeDefined();
  });

  test('real answers of the series routes fit their documented schemas', async () => {
    const body = { name: 'Ops weekly', cadence: 'FREQ=WEEKLY;BYDAY=TH', firstDate: '2030-01-01', startTime: '10:00', timezone: 'Europe/Berlin' };
    const created = await api(server.url, 'POST', '/api/series', body);
    expectDocumented(created, 'post', '/series');
    const id = created.body.series.id;
    const facilitator = new URL(created.body.links.facilitator).searchParams.get('token')!;
    expectDocumented(await api(server.url, 'GET', `/api/series/${id}`, undefined, facilitator), 'get', '/series/:id');
    expectDocumented(await api(server.url, 'PATCH', `/api/series/${id}`, { team: 'Ops' }, facilitator), 'patch', '/series/:id');
    expectDocumented(await api(server.url, 'POST', `/api/series/${id}/meetings`, {}, facilitator), 'post', '/series/:id/meetings');
    expectDocumented(await api(server.url, 'PATCH', `/api/series/${id}/meetings/2`, { start: '11:00' }, facilitator), 'patch', '/series/:id/meetings/:seq');
    expectDocumented(await api(server.url, 'GET', `/api/series/${id}/actions`, undefined, facilitator), 'get', '/series/:id/actions');
    expectDocumented(await api(server.url, 'POST', `/api/series/${id}/links/rotate`, { role: 'viewer' }, facilitator), 'post', '/series/:id/links/rotate');
  });

  test('real answers of the key routes fit their documented schemas', async () => {
    const created = await api(server.url, 'POST', '/api/boards', { title: 'Documented', purpose: 'Check the answers' });
    expectDocumented(created, 'post', '/boards');
    const board = await createBoard(server.url);
    const { facilitator, participant } = board.tokens;

    expectDocumented(await api(server.url, 'GET', '/api/health'), 'get', '/health');
    const card = await api(server.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title: 'Roadmap', timebox: 10 }, participant);
    expectDocumented(card, 'post', '/boards/:id/cards');
    await api(server.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'needs', asker: 'Priya', addressee: 'Sam', what: 'numbers' }, participant);
    await api(server.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'challenges', problem: 'Slow CI', proposals: ['cache'] }, participant);
    const decision = await api(
      server.url,
      'POST',
      `/api/boards/${board.id}/cards/${card.body.card.id}/decisions`,
      { text: 'Sam ships it by 2030-01-04' },
      participant,
    );
    expectDocumented(decision, 'post', '/boards/:id/cards/:cardId/decisions');

    expectDocumented(await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, participant), 'get', '/boards/:id');
    expectDocumented(await api(server.url, 'PATCH', `/api/boards/${board.id}`, { title: 'Renamed' }, participant), 'patch', '/boards/:id');
    expectDocumented(
      await api(server.url, 'POST', `/api/boards/${board.id}/links/rotate`, { role: 'viewer' }, facilitator),
      'post',
      '/boards/:id/links/rotate',
    );
    const list = await api(server.url, 'GET', `/api/boards/${board.id}/actions`, undefined, participant);
    expectDocumented(list, 'get', '/boards/:id/actions');
    expect(list.body.actionItems).toHaveLength(1);
    expectDocumented(
      await api(server.url, 'PATCH', `/api/actions/${list.body.actionItems[0].id}`, { status: 'done' }, participant),
      'patch',
      '/actions/:actionId',
    );
    const version = await api(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'Checkpoint' }, participant);
    expectDocumented(version, 'post', '/boards/:id/versions');
    expectDocumented(await api(server.url, 'GET', `/api/boards/${board.id}/versions`, undefined, participant), 'get', '/boards/:id/versions');
    expectDocumented(
      await api(server.url, 'GET', `/api/boards/${board.id}/versions/${version.body.id}`, undefined, participant),
      'get',
      '/boards/:id/versions/:versionId',
    );
    expectDocumented(await api(server.url, 'GET', '/api/templates'), 'get', '/templates');
    expectDocumented(await api(server.url, 'GET', `/api/boards/${board.id}/export`, undefined, facilitator), 'get', '/boards/:id/export');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createBoard, startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe('REST API', () => {
  it('creates a board and answers with its id and share links', async () => {
    const res = await api(server.url, 'POST', '/api/boards', { title: 'Weekly cross-team sync', purpose: 'Unblock each other' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
      title: 'Weekly cross-team sync',
      purpose: 'Unblock each other',
      url: `${server.url}/b/${res.body.id}`,
      links: { board: `${server.url}/b/${res.body.id}`, sync: `${server.wsUrl}/yjs` },
    });
  });

  it('reads the board from the live document', async () => {
    const id = await createBoard(server.url);
    await api(server.url, 'POST', `/api/boards/${id}/cards`, { column: 'agenda', title: 'Wins and losses', owner: 'Ana', timebox: 10 });
    await api(server.url, 'POST', `/api/boards/${id}/cards`, { column: 'challenges', problem: 'Churn', proposals: ['Exit calls'] });
    const res = await api(server.url, 'GET', `/api/boards/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.meta).toMatchObject({ title: 'Weekly cross-team sync', purpose: 'Unblock each other', currentAgendaId: null });
    expect(res.body.columns.agenda).toEqual([expect.objectContaining({ title: 'Wins and losses', owner: 'Ana', timebox: 10, done: false })]);
    expect(res.body.columns.challenges[0].proposals).toEqual([expect.objectContaining({ text: 'Exit calls' })]);
    expect(res.body.columns.needs).toEqual([]);
  });

  it('renames a board and deletes it', async () => {
    const id = await createBoard(server.url);
    const renamed = await api(server.url, 'PATCH', `/api/boards/${id}`, { title: 'Monday sync' });
    expect(renamed).toMatchObject({ status: 200, body: { id, meta: { title: 'Monday sync' } } });
    expect((await api(server.url, 'DELETE', `/api/boards/${id}`)).status).toBe(204);
    expect((await api(server.url, 'GET', `/api/boards/${id}`)).status).toBe(404);
    expect((await api(server.url, 'DELETE', `/api/boards/${id}`)).status).toBe(404);
  });

  it('answers health with the version', async () => {
    const res = await api(server.url, 'GET', '/api/health');
    expect(res).toMatchObject({ status: 200, body: { ok: true, name: 'meshboard', version: expect.stringMatching(/^\d+\.\d+\.\d+/) } });
  });
});

describe('REST API refuses bad input with a clear error', () => {
  it.each([
    ['malformed JSON', '{"title": ', 400, /not valid JSON/],
    ['an array', '[]', 400, /JSON object/],
    ['a wrong type', { title: 5 }, 400, /^title:/],
    ['an over-long title', { title: 'x'.repeat(500) }, 400, /at most 200/],
    ['an unknown field', { title: 'ok', admin: true }, 400, /unknown field: admin/],
  ])('POST /api/boards with %s', async (_what, body, status, message) => {
    const res = await api(server.url, 'POST', '/api/boards', body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toMatch(message);
  });

  it('a body over the size limit is refused with 413', async () => {
    const res = await api(server.url, 'POST', '/api/boards', { title: 'x', purpose: 'y'.repeat(2 * 1024 * 1024) });
    expect(res).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });

  it('a card for an unknown board or with a bad column is refused, and nothing is created', async () => {
    expect((await api(server.url, 'POST', '/api/boards/nosuchboard1/cards', { column: 'agenda', title: 'x' })).status).toBe(404);
    expect((await api(server.url, 'GET', '/api/boards/nosuchboard1')).status).toBe(404);
    expect((await api(server.url, 'GET', '/api/boards/..%2F..%2Fetc')).status).toBe(404);
    const id = await createBoard(server.url);
    const res = await api(server.url, 'POST', `/api/boards/${id}/cards`, { column: 'agenda', timebox: 5 });
    expect(res).toMatchObject({ status: 400, body: { error: { field: 'title' } } });
    expect((await api(server.url, 'GET', `/api/boards/${id}`)).body.columns.agenda).toEqual([]);
  });

  it('an unknown API route is a JSON 404', async () => {
    const res = await api(server.url, 'GET', '/api/nothing-here');
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});

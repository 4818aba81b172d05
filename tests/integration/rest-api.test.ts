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
    const link = (_role: string) => expect.stringMatching(new RegExp(`^${server.url}/b/${res.body.id}\\?token=[A-Za-z0-9_-]{43}$`));
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
      title: 'Weekly cross-team sync',
      purpose: 'Unblock each other',
      url: res.body.links.facilitator,
      links: { facilitator: link('facilitator'), participant: link('participant'), viewer: link('viewer') },
      syncUrl: `${server.wsUrl}/yjs`,
    });
    expect(new Set(Object.values(res.body.links)).size).toBe(3);
  });

  it('reads the board from the live document', async () => {
    const { id, tokens } = await createBoard(server.url);
    await api(server.url, 'POST', `/api/boards/${id}/cards`, { column: 'agenda', title: 'Wins and losses', owner: 'Ana', timebox: 10 }, tokens.participant);
    await api(server.url, 'POST', `/api/boards/${id}/cards`, { column: 'challenges', problem: 'Churn', proposals: ['Exit calls'] }, tokens.facilitator);
    const res = await api(server.url, 'GET', `/api/boards/${id}`, undefined, tokens.viewer);
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('viewer');
    expect(res.body.meta).toMatchObject({ title: 'Weekly cross-team sync', purpose: 'Unblock each other', currentAgendaId: null });
    expect(res.body.columns.agenda).toEqual([expect.objectContaining({ title: 'Wins and losses', owner: 'Ana', timebox: 10, done: false })]);
    expect(res.body.columns.challenges[0].proposals).toEqual([expect.objectContaining({ text: 'Exit calls' })]);
    expect(res.body.columns.needs).toEqual([]);
  });

  it('creates a board with the meeting’s date and start, which the board and its series of one keep; refuses a date or time that is none', async () => {
    const res = await api(server.url, 'POST', '/api/boards', { title: 'Planning', meetingDate: '2026-12-08', meetingStart: '10:00' });
    expect(res.status).toBe(201);
    const token = new URL(res.body.links.viewer).searchParams.get('token');
    const board = await api(server.url, 'GET', `/api/boards/${res.body.id}`, undefined, token ?? undefined);
    expect(board.body.meta).toMatchObject({ meetingDate: '2026-12-08', meetingStart: '10:00', seriesId: null });
    const meetings = await api(server.url, 'GET', `/api/series/${res.body.id}`, undefined, token ?? undefined);
    // The series of one meets that day; the start stays on the board (no time zone to schedule it by).
    expect(meetings.body.meetings[0]).toMatchObject({ date: '2026-12-08', start: '' });
    for (const [field, value] of [
      ['meetingDate', '2026-02-30'],
      ['meetingDate', 'tomorrow'],
      ['meetingStart', '24:00'],
      ['meetingStart', '9am'],
    ]) {
      const bad = await api(server.url, 'POST', '/api/boards', { title: 'Planning', [field]: value });
      expect(bad.status, `${field} ${value}`).toBe(400);
      expect(bad.body.error.field).toBe(field);
    }
  });

  it('renames a board and deletes it', async () => {
    const { id, tokens } = await createBoard(server.url);
    const renamed = await api(server.url, 'PATCH', `/api/boards/${id}`, { title: 'Monday sync' }, tokens.participant);
    expect(renamed).toMatchObject({ status: 200, body: { id, meta: { title: 'Monday sync' } } });
    expect((await api(server.url, 'DELETE', `/api/boards/${id}`, undefined, tokens.participant)).status).toBe(403);
    expect((await api(server.url, 'DELETE', `/api/boards/${id}`, undefined, tokens.facilitator)).status).toBe(204);
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, tokens.facilitator)).status).toBe(404);
    expect((await api(server.url, 'DELETE', `/api/boards/${id}`, undefined, tokens.facilitator)).status).toBe(404);
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
    const { id, tokens } = await createBoard(server.url);
    const res = await api(server.url, 'POST', `/api/boards/${id}/cards`, { column: 'agenda', timebox: 5 }, tokens.participant);
    expect(res).toMatchObject({ status: 400, body: { error: { field: 'title' } } });
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, tokens.viewer)).body.columns.agenda).toEqual([]);
  });

  it('an unknown API route is a JSON 404', async () => {
    const res = await api(server.url, 'GET', '/api/nothing-here');
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});

describe('REST API enforces roles', () => {
  it('no token is 401, a wrong token 403, and the right role passes', async () => {
    const { id, tokens } = await createBoard(server.url);
    const noToken = await api(server.url, 'GET', `/api/boards/${id}`);
    expect(noToken).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, 'x'.repeat(43))).status).toBe(403);
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, 'short')).status).toBe(403);
    const other = await createBoard(server.url);
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, other.tokens.facilitator)).status).toBe(403);
    expect((await api(server.url, 'GET', `/api/boards/${id}?token=${tokens.viewer}`)).status).toBe(200);
  });

  it('a viewer cannot add cards or rename the board, and nothing changes', async () => {
    const { id, tokens } = await createBoard(server.url);
    const add = await api(server.url, 'POST', `/api/boards/${id}/cards`, { column: 'agenda', title: 'sneaky' }, tokens.viewer);
    expect(add).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await api(server.url, 'PATCH', `/api/boards/${id}`, { title: 'sneaky' }, tokens.viewer)).status).toBe(403);
    const view = await api(server.url, 'GET', `/api/boards/${id}`, undefined, tokens.viewer);
    expect(view.body.columns.agenda).toEqual([]);
    expect(view.body.meta.title).toBe('Weekly cross-team sync');
  });

  it('the facilitator replaces the participant link; the old one stops working', async () => {
    const { id, tokens } = await createBoard(server.url);
    expect((await api(server.url, 'POST', `/api/boards/${id}/links/rotate`, { role: 'participant' }, tokens.participant)).status).toBe(403);
    expect((await api(server.url, 'POST', `/api/boards/${id}/links/rotate`, { role: 'facilitator' }, tokens.facilitator)).status).toBe(400);
    const rotated = await api(server.url, 'POST', `/api/boards/${id}/links/rotate`, { role: 'participant' }, tokens.facilitator);
    expect(rotated.status).toBe(200);
    const fresh = new URL(rotated.body.link).searchParams.get('token')!;
    expect(fresh).not.toBe(tokens.participant);
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, tokens.participant)).status).toBe(403);
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, fresh)).body.role).toBe('participant');
    expect((await api(server.url, 'GET', `/api/boards/${id}`, undefined, tokens.viewer)).status).toBe(200);
  });

  it('with BOARD_CREATE_TOKEN set, only its holders create boards', async () => {
    const guarded = await startServer({ config: { boardCreateToken: 'let-me-create-boards-please' } });
    try {
      expect((await api(guarded.url, 'POST', '/api/boards', { title: 'x' })).status).toBe(401);
      expect((await api(guarded.url, 'POST', '/api/boards', { title: 'x' }, 'wrong-token-wrong-token')).status).toBe(401);
      expect((await api(guarded.url, 'POST', '/api/boards', { title: 'x' }, 'let-me-create-boards-please')).status).toBe(201);
    } finally {
      await guarded.stop();
    }
  });
});

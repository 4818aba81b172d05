/**
 * A database made by the server before series existed (tests/fixtures/legacy-0fb5c93, made by the script
 * beside it on commit 0fb5c93): opened by this server, every board is a series of one with nothing lost —
 * cards, decisions, action items with their statuses, versions, the meeting's end, every role link — and
 * its next meeting carries over like any other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startServer, tempDataDir, type TestServer } from '../helpers/server.js';
import type { BoardResponse } from '../../shared/api-schemas.js';
import type { OpenMeetingResponse, SeriesResponse } from '../../shared/series.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/legacy-0fb5c93');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expect.json'), 'utf8'));
const weekly = expected.boards.weekly;
const design = expected.boards.design;

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function fromFixture(): Promise<TestServer> {
  const dataDir = tempDataDir();
  fs.copyFileSync(path.join(FIXTURE, 'meshboard.sqlite'), path.join(dataDir, 'meshboard.sqlite'));
  server = await startServer({ dataDir });
  return server;
}

describe('boards made before series', () => {
  it('each become a series of one, and every old link opens both the board and its series', async () => {
    const s = await fromFixture();
    for (const b of [weekly, design]) {
      for (const role of ['viewer', 'participant', 'facilitator'] as const) {
        expect((await api(s.url, 'GET', `/api/boards/${b.id}`, undefined, b.tokens[role])).body.role).toBe(role);
        expect((await api(s.url, 'GET', `/api/series/${b.id}`, undefined, b.tokens[role])).body.role).toBe(role);
      }
    }
    const w = await api<SeriesResponse>(s.url, 'GET', `/api/series/${weekly.id}`, undefined, weekly.tokens.viewer);
    expect(w.body.series).toMatchObject({ id: weekly.id, name: 'Weekly ops', cadence: null, timezone: 'UTC' });
    expect(w.body.meetings).toEqual([expect.objectContaining({ seq: 1, boardId: weekly.id, status: 'ended', endedBy: 'facilitator' })]);
    const d = await api<SeriesResponse>(s.url, 'GET', `/api/series/${design.id}`, undefined, design.tokens.viewer);
    expect(d.body.meetings).toEqual([expect.objectContaining({ seq: 1, boardId: design.id, status: 'open', startedAt: null })]);
  });

  it('keep their cards, action items with their statuses and versions', async () => {
    const s = await fromFixture();
    const board = await api<BoardResponse>(s.url, 'GET', `/api/boards/${weekly.id}`, undefined, weekly.tokens.viewer);
    expect(board.body.meta).toMatchObject({ title: 'Weekly ops', purpose: 'Unblock the week', seriesId: null });
    const ids = [...board.body.columns.agenda, ...board.body.columns.needs, ...board.body.columns.challenges].map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(Object.values(weekly.cards)));
    expect(board.body.columns.agenda.find((c) => c.id === weekly.cards.agenda)?.decisions.map((d) => d.text)).toEqual([
      'Priya ships the release notes by 2026-12-20',
      'Sam books the demo room',
    ]);
    const actions = await api(s.url, 'GET', `/api/boards/${weekly.id}/actions`, undefined, weekly.tokens.viewer);
    expect(
      actions.body.actionItems.map((i: { id: string; status: string; owners: string[]; due: string | null }) => ({
        id: i.id,
        status: i.status,
        owners: i.owners,
        due: i.due,
      })),
    ).toEqual(
      expected.actionItems.map((i: { id: string; status: string; owners: string[]; due: string | null }) => ({
        id: i.id,
        status: i.status,
        owners: i.owners,
        due: i.due,
      })),
    );
    const versions = await api(s.url, 'GET', `/api/boards/${weekly.id}/versions`, undefined, weekly.tokens.viewer);
    expect(versions.body.versions.map((v: { name: string }) => v.name)).toEqual(
      expect.arrayContaining(['Before the meeting', 'Meeting started', 'Meeting ended']),
    );
  });

  it('open a next meeting that carries the accepted request (one action item still) and the open challenge', async () => {
    const s = await fromFixture();
    const opened = await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${weekly.id}/meetings`, {}, weekly.tokens.facilitator);
    expect(opened.status).toBe(201);
    expect(opened.body.meeting.seq).toBe(2);
    // The old facilitator link opens the new meeting too: it is the series' link now.
    const next = await api<BoardResponse>(s.url, 'GET', `/api/boards/${opened.body.meeting.boardId}`, undefined, weekly.tokens.participant);
    expect(next.body.role).toBe('participant');
    expect(next.body.meta).toMatchObject({ seriesId: weekly.id, seq: 2 });
    expect(next.body.columns.needs.map((n) => [n.what, n.status, n.carriedFrom])).toEqual([['Churn numbers for Q4', 'accepted', weekly.cards.need]]);
    expect(next.body.columns.challenges.map((c) => [c.problem, c.carriedFrom, c.history.length])).toEqual([['Flaky CI on main', weekly.cards.challenge, 1]]);
    const series = await api(s.url, 'GET', `/api/series/${weekly.id}/actions`, undefined, weekly.tokens.viewer);
    const needItems = series.body.actionItems.filter((i: { id: string }) => i.id === `need:${weekly.cards.need}`);
    expect(needItems).toHaveLength(1);
    expect(needItems[0]).toMatchObject({ seq: 1, latestSeq: 2 });
  });
});

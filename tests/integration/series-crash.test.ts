/**
 * Opening next meetings while the server is killed (SIGKILL) at whatever moment it lands: after a restart
 * every series has whole meetings only — none left half opened — and each carried card is on the new board
 * once; opening again finishes what the kill interrupted without carrying anything twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startChildServer, type ChildServer } from '../helpers/child-server.js';
import { createSeries } from '../helpers/series.js';
import { api, tempDataDir } from '../helpers/server.js';
import type { BoardView } from '../../shared/board-schema.js';
import type { OpenMeetingResponse, SeriesResponse } from '../../shared/series.js';

const SERIES = 12;

let server: ChildServer | null = null;
afterEach(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) {
    server.proc.kill('SIGKILL');
    await server.exited;
  }
  server = null;
});

describe('series openings and SIGKILL', () => {
  it('leaves no meeting half opened and carries every card once, whenever the kill lands', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    server = await startChildServer(dataDir, port);
    const all = [];
    for (let i = 0; i < SERIES; i++) {
      const s = await createSeries(server.url, { name: `Team ${i}`, template: undefined });
      const board = s.body.meetings[0].boardId;
      const need = await api(
        server.url,
        'POST',
        `/api/boards/${board}/cards`,
        { column: 'needs', asker: 'Ana', addressee: 'Sam', what: `Numbers ${i}` },
        s.tokens.participant,
      );
      await api(server.url, 'POST', `/api/boards/${board}/cards`, { column: 'challenges', problem: `Problem ${i}` }, s.tokens.participant);
      all.push({ ...s, need: need.body.card.id as string });
    }

    // Every series opens its next meeting at once; the first answer triggers the kill, with the rest in flight.
    const url = server.url;
    const presses = all.map((s) => api(url, 'POST', `/api/series/${s.id}/meetings`, { after: 1 }, s.tokens.facilitator).catch(() => null));
    await Promise.race(presses);
    server.proc.kill('SIGKILL');
    await server.exited;
    await Promise.all(presses);

    server = await startChildServer(dataDir, port);
    for (const s of all) {
      const before = await api<SeriesResponse>(server.url, 'GET', `/api/series/${s.id}`, undefined, s.tokens.viewer);
      const seqs = before.body.meetings.map((m) => m.seq);
      expect([[1], [1, 2]]).toContainEqual(seqs);
      // Opening again (or finding it open) gives one meeting 2 whose board has each carried card once.
      const opened = await api<OpenMeetingResponse>(server.url, 'POST', `/api/series/${s.id}/meetings`, { after: 1 }, s.tokens.facilitator);
      expect(opened.body.meeting.seq).toBe(2);
      expect(opened.body.created).toBe(seqs.length === 1);
      const board = await api<BoardView>(server.url, 'GET', `/api/boards/${opened.body.meeting.boardId}`, undefined, s.tokens.viewer);
      expect(board.body.columns.needs.map((c) => c.carriedFrom)).toEqual([s.need]);
      expect(board.body.columns.challenges).toHaveLength(1);
      const after = await api<SeriesResponse>(server.url, 'GET', `/api/series/${s.id}`, undefined, s.tokens.viewer);
      expect(after.body.meetings.map((m) => [m.seq, m.status])).toEqual([
        [1, 'open'],
        [2, 'open'],
      ]);
    }
  }, 90_000);
});

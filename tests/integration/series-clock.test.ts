/**
 * The clock-driven work of series, with a controlled clock: a meeting left running past its end plus the
 * grace ends itself with its summary as usual, one that never started is marked missed without a summary,
 * and a series opens its next meeting by itself the set time before it starts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/fake-clock.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/yclient.js';
import type { SeriesResponse } from '../../shared/series.js';
import { createSeries } from '../helpers/series.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const MINUTE = 60_000;

describe('series on the clock', () => {
  it('ends a forgotten meeting, marks a meeting that never started as missed, and opens the next one a day ahead', async () => {
    // Thursday 2030-01-10, 08:00 UTC: the first meeting is at 10:00 Berlin (09:00 UTC), 45 minutes long.
    const clock = new FakeClock(Date.UTC(2030, 0, 10, 8, 0));
    server = await startServer({ deps: { clock } });
    const s = server;
    const series = await createSeries(s.url, { firstDate: '2030-01-10', durationMinutes: 45, graceMinutes: 15, openBeforeMinutes: 24 * 60 });
    const first = series.body.meetings[0];
    const view = async () => (await api<SeriesResponse>(s.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.viewer)).body;

    const facilitator = joinMeeting(s.url, { id: first.boardId }, series.tokens.facilitator, { name: 'Ana' });
    await facilitator.until(() => true, 'joined');
    clock.advance(60 * MINUTE);
    expect(await facilitator.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
    await waitFor(async () => (await view()).meetings[0].status === 'running', 'meeting 1 running');
    facilitator.close();

    // 09:59 UTC: past the end (09:45) but within the grace: still running.
    clock.advance(59 * MINUTE);
    await s.app.series.tick();
    expect((await view()).meetings[0].status).toBe('running');
    // 10:01 UTC: past the grace. It ends by itself, and its end is recorded as such, with the usual version.
    clock.advance(2 * MINUTE);
    await s.app.series.tick();
    await waitFor(async () => (await view()).meetings[0].status === 'ended', 'meeting 1 ended');
    expect((await view()).meetings[0]).toMatchObject({ endedBy: 'auto', endedAt: Date.UTC(2030, 0, 10, 10, 1) });
    await waitFor(
      async () =>
        (await api(s.url, 'GET', `/api/boards/${first.boardId}/versions`, undefined, series.tokens.viewer)).body.versions.some(
          (v: { name: string }) => v.name === 'Meeting ended',
        ),
      'the end version',
    );

    // Not yet a day before the next meeting (Thursday 2030-01-17, 09:00 UTC): nothing opens.
    clock.advance(Date.UTC(2030, 0, 16, 8, 59) - clock.now());
    await s.app.series.tick();
    expect((await view()).meetings).toHaveLength(1);
    clock.advance(2 * MINUTE);
    await s.app.series.tick();
    await s.app.series.tick(); // a second pass finds it open: still one
    const opened = await view();
    expect(opened.meetings.map((m) => [m.seq, m.date, m.status])).toEqual([
      [1, '2030-01-10', 'ended'],
      [2, '2030-01-17', 'open'],
    ]);

    // Nobody starts meeting 2: after its end and the grace it is missed, with no summary version.
    clock.advance(Date.UTC(2030, 0, 17, 10, 1) - clock.now());
    await s.app.series.tick();
    expect((await view()).meetings[1].status).toBe('missed');
    const versions = await api(s.url, 'GET', `/api/boards/${opened.meetings[1].boardId}/versions`, undefined, series.tokens.viewer);
    expect(versions.body.versions.map((v: { name: string }) => v.name)).not.toContain('Meeting ended');
  });
});

/** Series through the REST API, as a user makes them. */
import { api } from './server.js';
import type { CreateSeriesResponse } from '../../shared/series.js';

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/** Creates a weekly series (Thursdays 10:00 Berlin from 2030-01-01, weekly-sync template) with `body`'s changes. */
export async function createSeries(base: string, body: Record<string, unknown> = {}) {
  const res = await api<CreateSeriesResponse>(base, 'POST', '/api/series', {
    name: 'Ops weekly',
    team: 'Operations',
    cadence: 'FREQ=WEEKLY;BYDAY=TH',
    firstDate: '2030-01-01',
    startTime: '10:00',
    timezone: 'Europe/Berlin',
    durationMinutes: 45,
    template: 'weekly-sync',
    ...body,
  });
  if (res.status !== 201) throw new Error(`could not create a series: ${res.status} ${JSON.stringify(res.body)}`);
  const tokens = { facilitator: tokenOf(res.body.links.facilitator), participant: tokenOf(res.body.links.participant), viewer: tokenOf(res.body.links.viewer) };
  return { id: res.body.series.id, body: res.body, tokens };
}

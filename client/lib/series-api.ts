/** The REST calls of a series (docs/api.md "Series"); the token is any link of the series or of one of its meetings. */
import type { RotateLinkResponse } from '../../shared/api-schemas.js';
import type { RotatableRole } from '../../shared/roles.js';
import type {
  CreateSeriesBody,
  CreateSeriesResponse,
  OpenMeetingResponse,
  RescheduleMeetingBody,
  SeriesMeeting,
  SeriesResponse,
  UpdateSeriesBody,
} from '../../shared/series.js';
import type { SeriesActionItem } from '../../shared/series-events.js';
import { call } from './api.js';

const base = (id: string) => `/api/series/${encodeURIComponent(id)}`;

/** `body` as the form parsed it; the server parses it again with the same schema. */
export const createSeries = (body: CreateSeriesBody) => call<CreateSeriesResponse>('POST', '/api/series', { body });

export const fetchSeries = (id: string, token: string) => call<SeriesResponse>('GET', base(id), { token });

/** Facilitators only. */
export const updateSeries = (id: string, token: string, body: UpdateSeriesBody) => call<SeriesResponse>('PATCH', base(id), { body, token });

/** Facilitators only: opens the meeting after meeting `after`; a second call with the same `after` opens nothing more. */
export const openNextMeeting = (id: string, token: string, after: number) =>
  call<OpenMeetingResponse>('POST', `${base(id)}/meetings`, { body: { after }, token });

/** Facilitators only: moves a meeting that is not over yet. */
export const rescheduleMeeting = (id: string, token: string, seq: number, body: RescheduleMeetingBody) =>
  call<{ meeting: SeriesMeeting }>('PATCH', `${base(id)}/meetings/${seq}`, { body, token });

export const fetchSeriesActions = (id: string, token: string) =>
  call<{ seriesId: string; actionItems: SeriesActionItem[] }>('GET', `${base(id)}/actions`, { token });

/** Facilitators only: replaces a role's link of the series (and of every meeting of it). */
export const rotateSeriesLink = (id: string, token: string, role: RotatableRole) =>
  call<RotateLinkResponse>('POST', `${base(id)}/links/rotate`, { body: { role }, token });

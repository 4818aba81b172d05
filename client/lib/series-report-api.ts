/** REST calls of a series' team memory and report (docs/api.md "Series: team memory and report"). */
import type { CardTag } from '../../shared/board-schema.js';
import type { DecisionLogQuery, DecisionLogResponse, MemoryResponse, ReportFormat, SeriesReport } from '../../shared/series-report.js';
import { call } from './api.js';

const base = (id: string) => `/api/series/${encodeURIComponent(id)}`;
const query = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1]));
  return q.size ? `?${q}` : '';
};

export const fetchDecisionLog = (id: string, token: string, filter: Omit<DecisionLogQuery, 'token'>) =>
  call<DecisionLogResponse>('GET', `${base(id)}/decisions${query(filter)}`, { token });

export const fetchMemory = (id: string, token: string, tag?: CardTag) => call<MemoryResponse>('GET', `${base(id)}/memory${query({ tag })}`, { token });

export const fetchReport = (id: string, token: string, period: { from: string; to: string }) =>
  call<SeriesReport>('GET', `${base(id)}/report${query(period)}`, { token });

/** A download link: a plain link cannot send a header, so the token rides in the query. */
export const reportDownloadUrl = (id: string, token: string, period: { from: string; to: string }, format: ReportFormat): string =>
  `${base(id)}/report.${format}${query({ ...period, token })}`;

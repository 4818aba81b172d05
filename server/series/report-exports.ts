/**
 * The series report as a download: CSV (one figure a row: section, figure, value; then attendance), Markdown
 * and JSON. Written as the action exports are (server/actions/exports.ts): CSV with a UTF-8 byte order mark
 * and formulas neutralised, user text escaped for Markdown (not HTML).
 */
import type { SeriesReport } from '../../shared/series-report.js';
import type { RenderedExport } from '../actions/exports.js';
import { CSV_TYPE, MARKDOWN_TYPE, csvTable, mdEscape, slug } from '../actions/exports.js';
import type { ReportFormat } from '../../shared/series-report.js';

const value = (n: number | null): string => (n === null ? '' : String(n));

/** Every figure as a row of the CSV (and the order of the Markdown tables). */
export function reportRows(r: SeriesReport): Array<[section: string, figure: string, value: string]> {
  const rows: Array<[string, string, string]> = [];
  const add = (section: string, figures: Record<string, number | null>) => {
    for (const [k, v] of Object.entries(figures)) rows.push([section, k, value(v)]);
  };
  add('meetings', r.meetings);
  add('requests', r.requests);
  add('decisions', { count: r.decisions.count });
  add('action_items', r.decisions.actionItems);
  add('challenges', r.challenges);
  for (const a of r.attendance) rows.push(['attendance', `meeting ${a.seq} (${a.date})`, String(a.count)]);
  for (const p of r.attendanceByPerson) rows.push(['attendance_by_person', p.name, String(p.meetings)]);
  return rows;
}

export function reportCsv(r: SeriesReport): string {
  return csvTable(['section', 'figure', 'value'], reportRows(r));
}

const LABELS: Record<string, string> = {
  inPeriod: 'Meetings in the period',
  held: 'Held',
  missed: 'Missed',
  endedAutomatically: 'Ended automatically',
  made: 'Made',
  answered: 'Answered',
  accepted: 'Accepted',
  declined: 'Declined',
  done: 'Done',
  open: 'Open',
  medianHoursToAnswer: 'Median hours to answer',
  count: 'Decisions',
  doneOnTime: 'Done on time',
  doneLate: 'Done late',
  noDueDate: 'No due date',
  cancelled: 'Cancelled',
  opened: 'Opened',
  resolved: 'Resolved',
  escalated: 'Escalated',
  medianDaysToResolve: 'Median days to resolve',
};

function table(title: string, figures: Record<string, number | null>): string[] {
  return [`## ${title}`, '', '| Figure | Value |', '| --- | ---: |', ...Object.entries(figures).map(([k, v]) => `| ${LABELS[k] ?? k} | ${v ?? '—'} |`), ''];
}

export function reportMarkdown(r: SeriesReport): string {
  const lines = [
    `# Report: ${mdEscape(r.name)}`,
    '',
    `${r.team ? `Team ${mdEscape(r.team)}, m` : 'M'}eetings from ${r.period.from} to ${r.period.to} (${mdEscape(r.timezone)}).`,
    '',
    ...table('Meetings', r.meetings),
    ...table('Requests', r.requests),
    ...table('Decisions and their action items', { count: r.decisions.count, ...r.decisions.actionItems }),
    ...table('Challenges', r.challenges),
    '## Attendance',
    '',
  ];
  if (r.attendance.length === 0) lines.push('No meetings in this period.');
  for (const a of r.attendance) lines.push(`- Meeting ${a.seq} (${a.date}): ${a.count}${a.count ? ` — ${a.people.map((p) => mdEscape(p)).join(', ')}` : ''}`);
  if (r.attendanceByPerson.length)
    lines.push('', '| Person | Meetings |', '| --- | ---: |', ...r.attendanceByPerson.map((p) => `| ${mdEscape(p.name)} | ${p.meetings} |`));
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderReport(r: SeriesReport, format: ReportFormat): RenderedExport {
  const base = `${slug(r.name)}-report-${r.period.from}-to-${r.period.to}`;
  switch (format) {
    case 'json':
      return { body: JSON.stringify(r, null, 2), contentType: 'application/json; charset=utf-8', filename: `${base}.json` };
    case 'csv':
      return { body: reportCsv(r), contentType: CSV_TYPE, filename: `${base}.csv` };
    case 'md':
      return { body: reportMarkdown(r), contentType: MARKDOWN_TYPE, filename: `${base}.md` };
  }
}

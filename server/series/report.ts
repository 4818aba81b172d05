/**
 * The figures of a series over a period (meeting days, inclusive). Pure: computed from the facts alone
 * (series-records.ts), so the same facts always give the same report.
 *
 * A card carried from meeting to meeting is one card (its root id): a request raised in meeting 1 and
 * answered in meeting 3 is one request, answered, after (time of the first answer − time it was raised).
 * State is what the boards show up to the period's end; a later meeting does not change an earlier report.
 */
import type { ChallengeCard, NeedCard } from '../../shared/board-schema.js';
import { instantSlot } from '../../shared/cadence.js';
import { decisionActionId } from '../../shared/action-extraction.js';
import type { SeriesReport } from '../../shared/series-report.js';
import { firstVersions, rootOf, type MeetingFacts, type SeriesFacts } from './series-records.js';

const HOUR_MS = 3_600_000;

export interface Period {
  from: string;
  to: string;
}

/** The median of some numbers (the mean of the middle two for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const oneDecimal = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);

/** Done by the end of its due day, on the calendar of the series' zone. */
export function doneOnTime(doneAt: number, due: string, timezone: string): boolean {
  return instantSlot(doneAt, timezone).date <= due;
}

/** The whole series when no period is given: its first meeting's day to its last's. */
export function defaultPeriod(facts: SeriesFacts): Period {
  const days = facts.meetings.map((m) => m.date).sort();
  return { from: days[0] ?? '2000-01-01', to: days.at(-1) ?? '2000-01-01' };
}

export function computeReport(facts: SeriesFacts, period: Period, now: number): SeriesReport {
  const inPeriod = (m: MeetingFacts) => m.date >= period.from && m.date <= period.to;
  const upToEnd = facts.meetings.filter((m) => m.date <= period.to);
  const held = facts.meetings.filter(inPeriod);
  const first = firstVersions({ ...facts, meetings: upToEnd });

  // The latest version of every card root up to the period's end, and which root each board's card is.
  const latestNeed = new Map<string, NeedCard>();
  const latestChallenge = new Map<string, ChallengeCard>();
  const rootOfCard = new Map<string, string>();
  for (const m of upToEnd) {
    if (!m.board) continue;
    for (const c of m.board.columns.needs) latestNeed.set(rootOf(c), c);
    for (const c of m.board.columns.challenges) latestChallenge.set(rootOf(c), c);
    for (const c of [...m.board.columns.needs, ...m.board.columns.challenges]) rootOfCard.set(`${m.boardId}/${c.id}`, rootOf(c));
  }
  // When each root was first answered (left 'open') and first resolved, from the audit trail.
  const answeredAt = new Map<string, number>();
  const resolvedAt = new Map<string, number>();
  for (const m of upToEnd) {
    for (const s of m.statusChanges) {
      const root = rootOfCard.get(`${m.boardId}/${s.cardId}`);
      if (!root) continue;
      if (s.from === 'open' && s.to !== 'open' && !(answeredAt.get(root)! <= s.at)) answeredAt.set(root, s.at);
      if (s.to === 'resolved' && !(resolvedAt.get(root)! <= s.at)) resolvedAt.set(root, s.at);
    }
  }
  const raisedInPeriod = (column: 'needs' | 'challenges') =>
    [...first].filter(([, v]) => v.card.column === column && inPeriod(v.meeting)).map(([root, v]) => ({ root, createdAt: v.card.createdAt }));

  const requests = { made: 0, answered: 0, accepted: 0, declined: 0, done: 0, open: 0, medianHoursToAnswer: null as number | null };
  const answerHours: number[] = [];
  for (const { root, createdAt } of raisedInPeriod('needs')) {
    const status = latestNeed.get(root)?.status ?? 'open';
    requests.made++;
    requests[status]++;
    if (status === 'open') continue;
    requests.answered++;
    const at = answeredAt.get(root);
    // A request raised already answered has no answer in the trail: it has no time to answer.
    if (at !== undefined && at >= createdAt) answerHours.push((at - createdAt) / HOUR_MS);
  }
  requests.medianHoursToAnswer = oneDecimal(median(answerHours));

  const challenges = { opened: raisedInPeriod('challenges').length, resolved: 0, open: 0, escalated: 0, medianDaysToResolve: null as number | null };
  const seenInPeriod = new Set(held.flatMap((m) => (m.board ? m.board.columns.challenges.map(rootOf) : [])));
  const resolveDays: number[] = [];
  for (const root of seenInPeriod) {
    const latest = latestChallenge.get(root);
    if (!latest) continue;
    if (latest.status === 'resolved') {
      challenges.resolved++;
      const at = resolvedAt.get(root);
      const raised = first.get(root)?.card.createdAt;
      if (at !== undefined && raised !== undefined && at >= raised) resolveDays.push((at - raised) / (24 * HOUR_MS));
    } else if (latest.escalatedTo) challenges.escalated++;
    else challenges.open++;
  }
  challenges.medianDaysToResolve = oneDecimal(median(resolveDays));

  const items = { doneOnTime: 0, doneLate: 0, open: 0, noDueDate: 0, cancelled: 0 };
  let decisionCount = 0;
  for (const m of held) {
    const actions = new Map(m.actions.map((a) => [a.id, a]));
    for (const card of m.board ? [...m.board.columns.agenda, ...m.board.columns.needs, ...m.board.columns.challenges] : []) {
      for (const d of card.decisions) {
        decisionCount++;
        const a = actions.get(decisionActionId(d.id));
        if (!a) continue;
        if (a.status === 'cancelled') items.cancelled++;
        else if (!a.due) items.noDueDate++;
        else if (a.status !== 'done' || a.doneAt === null) items.open++;
        else if (doneOnTime(a.doneAt, a.due, facts.series.timezone)) items.doneOnTime++;
        else items.doneLate++;
      }
    }
  }

  const byPerson = new Map<string, { name: string; meetings: number }>();
  for (const m of held) {
    for (const name of new Set(m.attendees)) {
      const key = name.toLowerCase();
      const entry = byPerson.get(key) ?? { name, meetings: 0 };
      entry.meetings++;
      byPerson.set(key, entry);
    }
  }

  return {
    seriesId: facts.series.id,
    name: facts.series.name,
    team: facts.series.team,
    timezone: facts.series.timezone,
    period: { from: period.from, to: period.to },
    generatedAt: now,
    meetings: {
      inPeriod: held.length,
      held: held.filter((m) => m.startedAt !== null || m.status === 'running' || m.status === 'ended').length,
      missed: held.filter((m) => m.status === 'missed').length,
      endedAutomatically: held.filter((m) => m.endedBy === 'auto').length,
    },
    requests,
    decisions: { count: decisionCount, actionItems: items },
    challenges,
    attendance: held.map((m) => ({ seq: m.seq, date: m.date, people: [...m.attendees], count: m.attendees.length })),
    attendanceByPerson: [...byPerson.values()].sort((a, b) => b.meetings - a.meetings || a.name.localeCompare(b.name)),
  };
}

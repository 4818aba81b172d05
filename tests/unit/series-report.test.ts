/** The series report, decision log and team memory from made-up records with known answers. */
import { describe, expect, it } from 'vitest';
import type { AgendaCard, BoardView, ChallengeCard, Decision, NeedCard } from '../../shared/board-schema.js';
import { computeReport, doneOnTime, median } from '../../server/series/report.js';
import { decisionLog, proposerOf } from '../../server/series/decision-log.js';
import { teamMemory } from '../../server/series/memory.js';
import { parseStatusSummary, type MeetingFacts, type SeriesFacts } from '../../server/series/series-records.js';
import { reportCsv, reportMarkdown } from '../../server/series/report-exports.js';
import { parse } from 'csv-parse/sync';
import { quarterOf } from '../../shared/series-report.js';

const H = 3_600_000;
const T0 = Date.UTC(2030, 0, 3, 9);
const base = { order: 'a0', createdAt: T0, createdBy: 'Ana', decisions: [] as Decision[], carriedFrom: '', tags: [] };
const need = (id: string, p: Partial<NeedCard> = {}): NeedCard => ({
  ...base,
  id,
  column: 'needs',
  asker: 'Ana',
  addressee: 'Sam',
  what: `Request ${id}`,
  byWhen: '',
  status: 'open',
  declineReason: '',
  answeredBy: '',
  answeredAt: null,
  askId: '',
  team: '',
  ...p,
});
const challenge = (id: string, p: Partial<ChallengeCard> = {}): ChallengeCard => ({
  ...base,
  id,
  column: 'challenges',
  problem: `Problem ${id}`,
  status: 'open',
  proposals: [],
  history: [],
  escalatedTo: '',
  escalatedFrom: '',
  ...p,
});
const agenda = (id: string, p: Partial<AgendaCard> = {}): AgendaCard => ({
  ...base,
  id,
  column: 'agenda',
  title: `Item ${id}`,
  owner: '',
  timebox: null,
  notes: '',
  done: false,
  pinned: false,
  ...p,
});
const decision = (id: string, text: string, decidedBy = 'Ana'): Decision => ({ id, text, owners: '', due: '', decidedBy, createdAt: T0 });
const board = (date: string, cards: Array<AgendaCard | NeedCard | ChallengeCard>): BoardView => ({
  meta: {
    title: 'Ops',
    purpose: '',
    createdAt: T0,
    currentAgendaId: null,
    schemaVersion: 1,
    meetingDate: date,
    meetingStart: '10:00',
    timezone: 'Europe/Berlin',
    seriesId: 's',
    seq: 1,
    flagAfter: 3,
  },
  columns: {
    agenda: cards.filter((c): c is AgendaCard => c.column === 'agenda'),
    needs: cards.filter((c): c is NeedCard => c.column === 'needs'),
    challenges: cards.filter((c): c is ChallengeCard => c.column === 'challenges'),
  },
});
const meeting = (seq: number, date: string, cards: Parameters<typeof board>[1], p: Partial<MeetingFacts> = {}): MeetingFacts => ({
  seq,
  date,
  boardId: `b${seq}`,
  status: 'ended',
  startedAt: T0,
  endedBy: 'facilitator',
  board: board(date, cards),
  actions: [],
  attendees: [],
  statusChanges: [],
  ...p,
});
const facts = (meetings: MeetingFacts[], timezone = 'Europe/Berlin'): SeriesFacts => ({
  series: { id: 's', name: 'Ops weekly', team: 'Ops', timezone },
  meetings,
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two, or null for none', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
});

describe('on time', () => {
  it('counts the due day on the calendar of the series’ zone, not UTC', () => {
    // 23:30 UTC on 10 January is already 11 January in Berlin (UTC+1): late there, on time in UTC.
    const at = Date.UTC(2030, 0, 10, 23, 30);
    expect(doneOnTime(at, '2030-01-10', 'UTC')).toBe(true);
    expect(doneOnTime(at, '2030-01-10', 'Europe/Berlin')).toBe(false);
    // 22:30 UTC is 23:30 in Berlin: still the due day.
    expect(doneOnTime(Date.UTC(2030, 0, 10, 22, 30), '2030-01-10', 'Europe/Berlin')).toBe(true);
    // The other way: 04:30 UTC on the 11th is still 23:30 on the 10th in New York (UTC-5).
    expect(doneOnTime(Date.UTC(2030, 0, 11, 4, 30), '2030-01-10', 'America/New_York')).toBe(true);
  });
});

describe('report', () => {
  it('counts a request carried through three meetings once, answered when it was first answered', () => {
    const f = facts([
      meeting(1, '2030-01-03', [need('r1', { createdAt: T0 }), need('r2', { createdAt: T0 }), need('r3', { createdAt: T0, status: 'declined' })], {
        statusChanges: [{ at: T0 + 2 * H, cardId: 'r3', from: 'open', to: 'declined' }],
      }),
      meeting(
        2,
        '2030-01-10',
        [need('r1b', { carriedFrom: 'r1', createdAt: T0 + 168 * H }), need('r2b', { carriedFrom: 'r2', createdAt: T0 + 168 * H, status: 'accepted' })],
        {
          statusChanges: [{ at: T0 + 170 * H, cardId: 'r2b', from: 'open', to: 'accepted' }],
        },
      ),
      meeting(3, '2030-01-17', [need('r1c', { carriedFrom: 'r1', status: 'done' }), need('r2c', { carriedFrom: 'r2', status: 'accepted' })], {
        statusChanges: [
          { at: T0 + 340 * H, cardId: 'r1c', from: 'open', to: 'accepted' },
          { at: T0 + 341 * H, cardId: 'r1c', from: 'accepted', to: 'done' },
        ],
      }),
    ]);
    const r = computeReport(f, { from: '2030-01-01', to: '2030-03-31' }, 0);
    expect(r.requests).toEqual({ made: 3, answered: 3, accepted: 1, declined: 1, done: 1, open: 0, medianHoursToAnswer: 170 });
  });

  it('shows a request as the boards stood at the period’s end, and only counts requests raised in the period', () => {
    const f = facts([
      meeting(1, '2030-03-28', [need('r1'), need('old', { createdAt: T0 - 1000 * H })]),
      meeting(2, '2030-04-04', [need('r1b', { carriedFrom: 'r1', status: 'accepted' }), need('new')], {
        statusChanges: [{ at: T0 + 200 * H, cardId: 'r1b', from: 'open', to: 'accepted' }],
      }),
    ]);
    expect(computeReport(f, { from: '2030-01-01', to: '2030-03-31' }, 0).requests).toMatchObject({ made: 2, answered: 0, open: 2, medianHoursToAnswer: null });
    expect(computeReport(f, { from: '2030-04-01', to: '2030-06-30' }, 0).requests).toMatchObject({ made: 1, answered: 0, open: 1 });
    expect(computeReport(f, { from: '2030-01-01', to: '2030-06-30' }, 0).requests).toMatchObject({
      made: 3,
      answered: 1,
      accepted: 1,
      medianHoursToAnswer: 200,
    });
  });

  it('classifies decision items as done on time, late, open, without a due date or cancelled', () => {
    const ds = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => decision(id, `Decision ${id}`));
    const f = facts([
      meeting(1, '2030-01-03', [agenda('x', { decisions: ds })], {
        actions: [
          { id: 'dec:a', status: 'done', owners: ['Sam'], due: '2030-01-10', doneAt: Date.UTC(2030, 0, 10, 22, 30) },
          { id: 'dec:b', status: 'done', owners: ['Sam'], due: '2030-01-10', doneAt: Date.UTC(2030, 0, 10, 23, 30) },
          { id: 'dec:c', status: 'blocked', owners: ['Sam'], due: '2030-01-10', doneAt: null },
          { id: 'dec:d', status: 'done', owners: [], due: null, doneAt: T0 },
          { id: 'dec:e', status: 'cancelled', owners: [], due: '2030-01-10', doneAt: null },
          { id: 'dec:f', status: 'open', owners: [], due: '2030-02-01', doneAt: null },
        ],
      }),
    ]);
    expect(computeReport(f, { from: '2030-01-01', to: '2030-01-31' }, 0).decisions).toEqual({
      count: 6,
      actionItems: { doneOnTime: 1, doneLate: 1, open: 2, noDueDate: 1, cancelled: 1 },
    });
  });

  it('counts challenges opened, resolved, still open and escalated; meetings held, missed and ended by the server; attendance', () => {
    const f = facts([
      meeting(1, '2030-01-03', [challenge('c1'), challenge('c2'), challenge('c3')], { attendees: ['Ana', 'Sam'] }),
      meeting(
        2,
        '2030-01-10',
        [
          challenge('c1b', { carriedFrom: 'c1', status: 'resolved' }),
          challenge('c2b', { carriedFrom: 'c2', escalatedTo: 'Platform' }),
          challenge('c3b', { carriedFrom: 'c3', status: 'moving' }),
        ],
        {
          attendees: ['ana', 'Lee'],
          endedBy: 'auto',
          statusChanges: [{ at: T0 + 48 * H, cardId: 'c1b', from: 'open', to: 'resolved' }],
        },
      ),
      meeting(3, '2030-01-17', [], { status: 'missed', startedAt: null, endedBy: null }),
    ]);
    const r = computeReport(f, { from: '2030-01-01', to: '2030-01-31' }, 0);
    expect(r.challenges).toEqual({ opened: 3, resolved: 1, open: 1, escalated: 1, medianDaysToResolve: 2 });
    expect(r.meetings).toEqual({ inPeriod: 3, held: 2, missed: 1, endedAutomatically: 1 });
    expect(r.attendance).toEqual([
      { seq: 1, date: '2030-01-03', people: ['Ana', 'Sam'], count: 2 },
      { seq: 2, date: '2030-01-10', people: ['ana', 'Lee'], count: 2 },
      { seq: 3, date: '2030-01-17', people: [], count: 0 },
    ]);
    expect(r.attendanceByPerson).toEqual([
      { name: 'Ana', meetings: 2 },
      { name: 'Lee', meetings: 1 },
      { name: 'Sam', meetings: 1 },
    ]);
  });

  it('exports every figure as CSV that parses back, and as Markdown with user text escaped', () => {
    const f = facts([meeting(1, '2030-01-03', [need('r1')], { attendees: ['=HYPERLINK("x")', 'Ana | B'] })]);
    const r = computeReport(f, { from: '2030-01-01', to: '2030-03-31' }, 0);
    const csv = reportCsv(r);
    // A byte order mark first, as every CSV export has it: Excel then reads the file as UTF-8.
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows: string[][] = parse(csv, { bom: true });
    expect(rows[0]).toEqual(['section', 'figure', 'value']);
    expect(rows).toContainEqual(['requests', 'made', '1']);
    expect(rows).toContainEqual(['requests', 'medianHoursToAnswer', '']);
    expect(rows).toContainEqual(['attendance_by_person', `'=HYPERLINK("x")`, '1']);
    const md = reportMarkdown(r);
    expect(md).toContain('| Made | 1 |');
    expect(md).toContain('Ana \\| B');
  });
});

describe('decision log', () => {
  const f = facts([
    meeting(
      1,
      '2030-01-03',
      [
        challenge('c1', {
          createdBy: 'Lee',
          proposals: [
            { id: 'p1', text: 'Quarantine the flaky tests', author: 'Sam', createdAt: T0 },
            { id: 'p2', text: 'Rewrite the pipeline', author: 'Kim', createdAt: T0 },
          ],
          decisions: [decision('d1', 'We quarantine flaky tests this sprint', 'Ana')],
        }),
      ],
      { attendees: ['Ana', 'Sam'], actions: [{ id: 'dec:d1', status: 'open', owners: ['Sam'], due: '2030-01-10', doneAt: null }] },
    ),
    meeting(2, '2030-01-10', [
      agenda('a1', { title: 'Budget', createdBy: 'Kim', decisions: [decision('d2', 'Freeze hiring', 'Lee')] }),
      challenge('c1b', { carriedFrom: 'c1', createdBy: '' }),
    ]),
  ]);

  it('names the proposer of a challenge’s decision by the proposal it took up, else the card’s author', () => {
    const card = f.meetings[0].board!.columns.challenges[0];
    expect(proposerOf(card, { text: 'quarantine them' }, 'Lee')).toBe('Sam');
    expect(proposerOf(card, { text: 'do nothing' }, 'Lee')).toBe('Lee');
  });

  it('lists decisions newest meeting first and filters by person, topic and meeting days', () => {
    const all = decisionLog(f);
    expect(all.map((d) => [d.decisionId, d.seq, d.proposedBy, d.decidedBy])).toEqual([
      ['d2', 2, 'Kim', 'Lee'],
      ['d1', 1, 'Sam', 'Ana'],
    ]);
    expect(all[1]).toMatchObject({
      attendees: ['Ana', 'Sam'],
      cardHeadline: 'Problem c1',
      column: 'challenges',
      action: { status: 'open', owners: ['Sam'], due: '2030-01-10' },
    });
    expect(decisionLog(f, { person: 'sam' }).map((d) => d.decisionId)).toEqual(['d1']);
    expect(decisionLog(f, { person: 'LEE' }).map((d) => d.decisionId)).toEqual(['d2']);
    expect(decisionLog(f, { q: 'budget' }).map((d) => d.decisionId)).toEqual(['d2']);
    expect(decisionLog(f, { q: 'QUARANTINE' }).map((d) => d.decisionId)).toEqual(['d1']);
    expect(decisionLog(f, { from: '2030-01-04' }).map((d) => d.decisionId)).toEqual(['d2']);
    expect(decisionLog(f, { to: '2030-01-03' }).map((d) => d.decisionId)).toEqual(['d1']);
  });
});

describe('team memory', () => {
  it('keeps each tagged card once in its latest version, with decisions from every meeting, filtered by tag', () => {
    const f = facts([
      meeting(1, '2030-01-03', [
        agenda('a1', { tags: ['faq'], notes: 'Ask ops', decisions: [decision('d1', 'Write it down')] }),
        need('n1', { tags: ['win'] }),
        need('n2', { tags: ['loss'] }),
      ]),
      meeting(2, '2030-01-10', [
        agenda('a1b', { carriedFrom: 'a1', tags: ['faq', 'idea'], notes: 'Ask ops first', decisions: [decision('d2', 'Link it')] }),
        need('n2b', { carriedFrom: 'n2', tags: [] }),
      ]),
    ]);
    const all = teamMemory(f);
    expect(all.map((e) => [e.rootId, e.seq, e.firstSeq, e.tags])).toEqual([
      ['a1', 2, 1, ['faq', 'idea']],
      ['n1', 1, 1, ['win']],
    ]);
    expect(all[0]).toMatchObject({
      body: 'Ask ops first',
      cardId: 'a1b',
      decisions: [
        { text: 'Write it down', seq: 1 },
        { text: 'Link it', seq: 2 },
      ],
    });
    expect(teamMemory(f, 'idea').map((e) => e.rootId)).toEqual(['a1']);
    expect(teamMemory(f, 'loss')).toEqual([]);
  });
});

describe('helpers', () => {
  it('reads an audit status line back, even when the card text says "from x to y"', () => {
    expect(parseStatusSummary('changed status of request "move from a to b" from open to declined')).toEqual({ from: 'open', to: 'declined' });
  });
  it('finds the calendar quarter of a day', () => {
    expect(quarterOf('2030-02-14')).toEqual({ from: '2030-01-01', to: '2030-03-31' });
    expect(quarterOf('2030-11-30')).toEqual({ from: '2030-10-01', to: '2030-12-31' });
  });
});

import { describe, expect, it } from 'vitest';
import type { AgendaCard, ChallengeCard, NeedCard } from '../../shared/board-schema.js';
import { AuditQuery, BoardExport, SearchQuery } from '../../shared/history-schemas.js';
import { describeZodError } from '../../shared/api-schemas.js';
import { cardChanges, metaChanges } from '../../server/history/audit-diff.js';
import { auditCsv } from '../../server/http/history-routes.js';
import { searchView } from '../../server/history/search.js';

describe('audit query validation', () => {
  it('accepts the documented parameters and fills in the default limit', () => {
    const q = AuditQuery.parse({ actor: ' Priya ', action: 'card.created', from: '2026-01-01', to: '1767225600000', q: 'launch', cursor: '42' });
    expect(q).toEqual({ actor: 'Priya', action: 'card.created', from: Date.parse('2026-01-01'), to: 1767225600000, q: 'launch', cursor: 42, limit: 100 });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ action: 'card.exploded' }, 'action'],
    [{ from: 'yesterday-ish' }, 'from'],
    [{ cursor: 'abc' }, 'cursor'],
    [{ q: '' }, 'q'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ actor: ['a', 'b'] }, 'actor'],
    [{ sort: 'asc' }, 'sort'],
  ])('refuses %j, naming %s', (input, field) => {
    const r = AuditQuery.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0];
    expect(issue.path[0] ?? (issue as { keys?: string[] }).keys?.[0]).toBe(field);
  });
});

describe('search query validation', () => {
  it('needs q of 1–200 characters', () => {
    expect(SearchQuery.safeParse({}).success).toBe(false);
    expect(SearchQuery.safeParse({ q: '   ' }).success).toBe(false);
    expect(SearchQuery.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
    expect(SearchQuery.parse({ q: ' churn ' })).toEqual({ q: 'churn', limit: 50 });
  });
});

describe('board export validation', () => {
  const valid = {
    format: 'meshboard-board',
    version: 1,
    board: { id: 'abcdef', title: 'T', createdAt: 1 },
    document: 'AAA=',
    actionItems: [],
    versions: [],
    exportedAt: 2,
  };
  it('accepts a minimal export and names what is wrong in a bad one', () => {
    expect(BoardExport.safeParse(valid).success).toBe(true);
    expect(BoardExport.safeParse({ ...valid, format: 'other' }).error!.issues[0].message).toMatch(/meshboard-board/);
    expect(BoardExport.safeParse({ ...valid, version: 2 }).error!.issues[0].message).toMatch(/version 1/);
    expect(BoardExport.safeParse({ ...valid, document: 'not base64!' }).error!.issues[0].path).toEqual(['document']);
  });

  const at = Date.UTC(2026, 10, 24);
  const actionItem = {
    id: 'dec:d1',
    kind: 'decision',
    cardId: 'c1',
    column: 'agenda',
    cardTitle: 'Launch',
    decisionId: 'd1',
    text: 'Ship it',
    owners: ['Priya'],
    due: '2026-12-04',
    dueText: 'by Friday',
    dueFlag: null,
    decidedBy: 'Ana',
    boardStatus: 'open',
    personStatus: null,
    present: true,
    status: 'open',
    createdAt: at,
    updatedAt: at,
  };
  const full = { ...valid, actionItems: [actionItem], versions: [{ name: 'Draft', createdAt: at, by: 'Ana', document: 'AAA=' }] };
  const withItem = (over: Record<string, unknown>) => ({ ...full, actionItems: [{ ...actionItem, ...over }] });

  it('accepts an export with action items and versions, including the first and last writable instants', () => {
    expect(BoardExport.safeParse(full).success).toBe(true);
    expect(BoardExport.safeParse(withItem({ createdAt: 0, updatedAt: Date.UTC(9999, 11, 31, 23, 59, 59, 999), due: null })).success).toBe(true);
    expect(BoardExport.safeParse(withItem({ id: 'need:c1', kind: 'need', decisionId: null })).success).toBe(true);
  });

  it.each([
    ['a creation time past the year 9999', withItem({ createdAt: 1e20 }), 'actionItems.0.createdAt', /year 10000/],
    ['the largest Date', withItem({ updatedAt: 8.64e15 }), 'actionItems.0.updatedAt', /year 10000/],
    ['a time before 1970', withItem({ updatedAt: -1 }), 'actionItems.0.updatedAt', /1970/],
    ['a fractional time', withItem({ createdAt: 1.5 }), 'actionItems.0.createdAt', /whole milliseconds/],
    ['a time as text', withItem({ createdAt: '2026-01-01' }), 'actionItems.0.createdAt', /milliseconds/],
    ['a board time past 9999', { ...full, board: { ...full.board, createdAt: 1e300 } }, 'board.createdAt', /year 10000/],
    ['a version time past 9999', { ...full, versions: [{ ...full.versions[0], createdAt: 9e15 }] }, 'versions.0.createdAt', /year 10000/],
    ['an export time past 9999', { ...full, exportedAt: 1e16 }, 'exportedAt', /year 10000/],
    ['a due date that does not exist', withItem({ due: '2026-02-30' }), 'actionItems.0.due', /real date/],
    ['a due date that is not a date', withItem({ due: 'next Friday' }), 'actionItems.0.due', /YYYY-MM-DD/],
    ['an item id that is not derived from its source', withItem({ id: 'dec:d2' }), 'actionItems.0.id', /dec:<decisionId>/],
    ['an item id with a line break', withItem({ id: 'dec:d1\r\nBEGIN:VTODO' }), 'actionItems.0.id', /dec:<decision id>/],
    ['a card id with a path', withItem({ cardId: '../etc' }), 'actionItems.0.cardId', /letters, digits/],
    ['a board id with a path', { ...full, board: { ...full.board, id: '../../x' } }, 'board.id', /letters, digits/],
    ['a text over the limit', withItem({ text: 'x'.repeat(10_001) }), 'actionItems.0.text', /at most 10000/],
    ['a card title over the limit', withItem({ cardTitle: 'x'.repeat(501) }), 'actionItems.0.cardTitle', /at most 500/],
    ['a name over the limit', withItem({ decidedBy: 'x'.repeat(81) }), 'actionItems.0.decidedBy', /at most 80/],
    ['an owner over the limit', withItem({ owners: ['x'.repeat(501)] }), 'actionItems.0.owners.0', /at most 500/],
    ['too many owners', withItem({ owners: Array.from({ length: 201 }, (_x, n) => `o${n}`) }), 'actionItems.0.owners', /at most 200 owners/],
    ['a version name over the limit', { ...full, versions: [{ ...full.versions[0], name: 'x'.repeat(201) }] }, 'versions.0.name', /at most 200/],
  ])('refuses %s, naming the field', (_name, input, field, message) => {
    const r = BoardExport.safeParse(input);
    expect(r.success).toBe(false);
    const { message: said, field: named } = describeZodError(r.error!);
    expect(named).toBe(field);
    expect(said).toMatch(message);
    expect(said.startsWith(`${field}: `)).toBe(true);
  });
});

const agenda = (over: Partial<AgendaCard> = {}): AgendaCard => ({
  id: 'a1',
  column: 'agenda',
  order: 'a0',
  createdAt: 1,
  createdBy: 'Ana',
  decisions: [],
  title: 'Launch plan',
  owner: 'Priya',
  timebox: 10,
  notes: '',
  done: false,
  pinned: false,
  carriedFrom: '',
  tags: [],
  ...over,
});
const need = (over: Partial<NeedCard> = {}): NeedCard => ({
  id: 'n1',
  column: 'needs',
  order: 'a0',
  createdAt: 1,
  createdBy: 'Ana',
  decisions: [],
  asker: 'Priya',
  addressee: 'Sam',
  what: 'Churn numbers',
  byWhen: '',
  status: 'open',
  declineReason: '',
  answeredBy: '',
  answeredAt: null,
  askId: '',
  team: '',
  carriedFrom: '',
  tags: [],
  ...over,
});
const challenge = (over: Partial<ChallengeCard> = {}): ChallengeCard => ({
  id: 'c1',
  column: 'challenges',
  order: 'a0',
  createdAt: 1,
  createdBy: 'Ana',
  decisions: [],
  problem: 'Flaky CI',
  status: 'open',
  proposals: [],
  history: [],
  escalatedTo: '',
  escalatedFrom: '',
  carriedFrom: '',
  tags: [],
  ...over,
});
const decision = (id: string, text: string) => ({ id, text, owners: '', due: '', decidedBy: 'Ana', createdAt: 1 });

describe('audit lines from card changes', () => {
  it.each([
    ['created', null, agenda(), [{ action: 'card.created', summary: 'created agenda item "Launch plan"' }]],
    ['deleted, with its text', need(), null, [{ action: 'card.deleted', summary: 'deleted request "Churn numbers"' }]],
    ['moved', agenda(), agenda({ order: 'a1' }), [{ action: 'card.moved', summary: 'moved agenda item "Launch plan"' }]],
    ['done', agenda(), agenda({ done: true }), [{ action: 'card.done' }]],
    ['reopened', agenda({ done: true }), agenda(), [{ action: 'card.reopened' }]],
    ['status', need(), need({ status: 'accepted' }), [{ action: 'card.status', summary: 'changed status of request "Churn numbers" from open to accepted' }]],
    ['text edit (coalesced)', agenda(), agenda({ notes: 'x' }), [{ action: 'card.edited', field: 'notes', coalesce: 'card|a1|notes' }]],
    [
      'decision added',
      agenda(),
      agenda({ decisions: [decision('d1', 'Ship it')] }),
      [{ action: 'decision.added', summary: 'recorded decision on agenda item "Launch plan": "Ship it"' }],
    ],
    [
      'decision edited',
      agenda({ decisions: [decision('d1', 'Ship')] }),
      agenda({ decisions: [decision('d1', 'Ship it')] }),
      [{ action: 'decision.edited', coalesce: 'decision|d1' }],
    ],
    [
      'decision removed',
      agenda({ decisions: [decision('d1', 'Ship it')] }),
      agenda(),
      [{ action: 'decision.removed', summary: expect.stringContaining('"Ship it"') }],
    ],
    ['proposal added', challenge(), challenge({ proposals: [{ id: 'p1', text: 'Retry', author: 'Sam', createdAt: 1 }] }), [{ action: 'proposal.added' }]],
    ['nothing', need(), need(), []],
  ])('%s', (_name, prev, next, expected) => {
    const out = cardChanges(prev, next);
    expect(out).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(out[i]).toMatchObject(e));
  });

  it('meta: rename, current item', () => {
    const meta = {
      title: 'A',
      purpose: '',
      createdAt: 1,
      currentAgendaId: null,
      schemaVersion: 1,
      meetingDate: '2026-01-01',
      meetingStart: '',
      timezone: '',
      seriesId: null,
      seq: null,
      flagAfter: 0,
    };
    const out = metaChanges(meta, { ...meta, title: 'B', currentAgendaId: 'a1' }, () => 'Launch plan');
    expect(out.map((c) => c.summary)).toEqual(['renamed the board to "B"', 'moved the meeting to agenda item "Launch plan"']);
  });
});

describe('audit CSV', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    const csv = auditCsv([
      { id: 1, at: 0, actor: '=HYPERLINK("http://evil")', role: 'participant', action: 'card.created', cardId: 'a1', field: null, summary: '+1+2' },
    ]);
    const line = csv.split('\r\n')[1];
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(line).toContain("'+1+2");
  });
});

describe('search over the live board', () => {
  it('finds card fields, proposals and decisions, case-insensitively', () => {
    const view = {
      meta: {
        title: 'T',
        purpose: '',
        createdAt: 1,
        currentAgendaId: null,
        schemaVersion: 1,
        meetingDate: '2026-01-01',
        meetingStart: '',
        timezone: '',
        seriesId: null,
        seq: null,
        flagAfter: 0,
      },
      columns: {
        agenda: [agenda({ notes: 'talk about CHURN', decisions: [decision('d1', 'Churn dashboard by Friday')] })],
        needs: [need()],
        challenges: [challenge({ proposals: [{ id: 'p1', text: 'measure churn', author: 'S', createdAt: 1 }] })],
      },
    };
    expect(searchView(view, 'churn')).toEqual([
      { kind: 'card', cardId: 'a1', column: 'agenda', text: 'talk about CHURN' },
      { kind: 'decision', cardId: 'a1', column: 'agenda', text: 'Churn dashboard by Friday' },
      { kind: 'card', cardId: 'n1', column: 'needs', text: 'Churn numbers' },
      { kind: 'card', cardId: 'c1', column: 'challenges', text: 'measure churn' },
    ]);
  });
});

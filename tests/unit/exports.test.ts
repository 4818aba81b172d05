import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { ActionListResponse, MeetingSummary } from '../../shared/action-schemas.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import type { AuditEntry } from '../../shared/history-schemas.js';
import { actionsCsv, actionsIcs, actionsMarkdown, mdEscape, MENTION_BREAK, renderActions, summaryMarkdown } from '../../server/actions/exports.js';
import { auditCsv } from '../../server/http/history-routes.js';
import {
  FORMULA_START,
  HOSTILE_TEXTS,
  MASS_MENTION,
  csvRowsLikeASpreadsheet,
  icsExpected,
  lf,
  markdownBlockLines,
  unneutralise,
} from '../helpers/hostile-text.js';

const T0 = Date.UTC(2026, 10, 24, 9, 30);

function item(over: Partial<ActionItem> = {}): ActionItem {
  return {
    id: 'dec:d1',
    boardId: 'board1',
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
    status: 'open',
    createdAt: T0,
    updatedAt: T0 + 1000,
    ...over,
  };
}

/** One item per hostile text, the text in every user field. */
const hostileItems = (): ActionItem[] =>
  HOSTILE_TEXTS.map((t, n) =>
    item({
      id: `dec:d${n}`,
      decisionId: `d${n}`,
      text: t,
      cardTitle: t,
      owners: [t, 'Sam'],
      decidedBy: t,
      dueText: t,
      dueFlag: 'unparseable',
      due: null,
      status: n % 3 === 0 ? 'done' : 'open',
    }),
  );
const list = (items: ActionItem[], title = 'Weekly sync'): ActionListResponse => ({ boardId: 'board1', title, meetingDate: '2026-11-24', actionItems: items });

const parseIcs = (body: string) => new ICAL.Component(ICAL.parse(body));
const propNames = (c: ICAL.Component) => c.getAllProperties().map((p) => p.name);
const TODO_PROPS = ['uid', 'dtstamp', 'created', 'last-modified', 'summary', 'description', 'due', 'status', 'completed'];

describe('iCalendar export', () => {
  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 50), t]))(
    'a board title like %s stays one escaped X-WR-CALNAME and adds no component',
    (_n, title) => {
      const cal = parseIcs(actionsIcs(list([item()], title)));
      expect(propNames(cal)).toEqual(['prodid', 'version', 'calscale', 'x-wr-calname']);
      expect(cal.getFirstPropertyValue('x-wr-calname')).toBe(icsExpected(`Action items: ${title}`));
      expect(cal.getAllSubcomponents().map((c) => c.name)).toEqual(['vtodo']);
      expect(cal.getAllSubcomponents('vtodo')[0].getFirstPropertyValue('summary')).toBe('Ship it');
    },
  );

  it('summary, description and UID round-trip hostile text with line breaks as LF, one VTODO per item and nothing more', () => {
    const items = hostileItems();
    const body = actionsIcs(list(items));
    const todos = parseIcs(body).getAllSubcomponents();
    expect(todos.map((c) => c.name)).toEqual(items.map(() => 'vtodo'));
    todos.forEach((todo, n) => {
      const t = HOSTILE_TEXTS[n];
      for (const name of propNames(todo)) expect(TODO_PROPS).toContain(name);
      expect(todo.getFirstPropertyValue('summary')).toBe(icsExpected(t));
      expect(todo.getFirstPropertyValue('description')).toBe(
        icsExpected(`Owners: ${t}, Sam\nDue as typed (not understood): ${t}\nFrom: ${t}\nDecided by: ${t}`),
      );
      expect(todo.getFirstPropertyValue('uid')).toBe(`dec:d${n}.board1@meshboard`);
      expect(todo.getFirstPropertyValue('status')).toBe(n % 3 === 0 ? 'COMPLETED' : 'NEEDS-ACTION');
    });
  });

  it('writes only CRLF line ends, folded at 75 octets, with no other CR or LF and no control characters', () => {
    const body = actionsIcs(list(hostileItems(), HOSTILE_TEXTS.join(' ')));
    expect(body.endsWith('\r\n')).toBe(true);
    const lines = body.slice(0, -2).split('\r\n');
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n\u0000-\u0008\u000B-\u001F\u007F]/);
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    }
    // Every line is a property, a fold or a component boundary of ours.
    const starts = lines.filter((l) => !l.startsWith(' ')).map((l) => l.split(/[:;]/)[0]);
    expect(new Set(starts)).toEqual(
      new Set([
        'BEGIN',
        'END',
        'PRODID',
        'VERSION',
        'CALSCALE',
        'X-WR-CALNAME',
        'UID',
        'DTSTAMP',
        'CREATED',
        'LAST-MODIFIED',
        'SUMMARY',
        'DESCRIPTION',
        'STATUS',
        'COMPLETED',
      ]),
    );
    expect(lines.filter((l) => l === 'BEGIN:VTODO')).toHaveLength(HOSTILE_TEXTS.length);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['past the year 9999', 1e20],
    ['the largest Date', 8.64e15],
    ['before 1970', -1],
  ])('leaves out a time that is %s, never writing NaN or a five-digit year', (_n, bad) => {
    const now = Date.UTC(2026, 11, 1);
    const body = actionsIcs(list([item({ createdAt: bad, updatedAt: bad, status: 'done', due: 'not-a-date' as string })]), now);
    expect(body).not.toMatch(/NaN|\d{9}T/);
    const todo = parseIcs(body).getFirstSubcomponent('vtodo')!;
    expect(propNames(todo).sort()).toEqual(['description', 'dtstamp', 'status', 'summary', 'uid']);
    // RFC 5545 requires DTSTAMP: it is then the time of the export.
    expect(todo.getFirstPropertyValue('dtstamp')!.toString()).toBe('2026-12-01T00:00:00Z');
  });
});

describe('CSV exports', () => {
  it('a bare CR cannot start a row: the cell is quoted and reads back whole', () => {
    const csv = actionsCsv([item({ text: "harmless\r=cmd|' /C calc'!A0" })]);
    const rows = csvRowsLikeASpreadsheet(csv);
    expect(rows).toHaveLength(2);
    expect(rows[1][2]).toBe("harmless\n=cmd|' /C calc'!A0");
  });

  it('every hostile cell reads back as the neutralised text: one row per item, no cell a formula', () => {
    const items = hostileItems();
    const rows = csvRowsLikeASpreadsheet(actionsCsv(items));
    expect(rows).toHaveLength(items.length + 1);
    rows.slice(1).forEach((row, n) => {
      expect(row).toHaveLength(12);
      const t = lf(HOSTILE_TEXTS[n]);
      for (const col of [2, 5, 8, 9]) expect(unneutralise(row[col])).toBe(t);
      expect(unneutralise(row[3])).toBe(`${t}; Sam`);
      for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
      // Whatever a spreadsheet might run (also after trimming spaces, or in full width) is marked as text.
      if (/^\s*[=+\-@＝＋－＠]|^\n/.test(t)) expect(row[2]).toBe(`'${t}`);
      else expect(row[2]).toBe(t);
    });
  });

  it('writes a time no export can hold as an empty cell instead of failing', () => {
    const rows = csvRowsLikeASpreadsheet(
      actionsCsv([item({ createdAt: 1e20, updatedAt: Number.NaN }), item({ createdAt: -8.64e15 - 1, updatedAt: Number.POSITIVE_INFINITY })]),
    );
    expect(rows.slice(1).map((r) => r.slice(10))).toEqual([
      ['', ''],
      ['', ''],
    ]);
    expect(() => renderActions(list([item({ createdAt: 1e300 })]), 'csv')).not.toThrow();
  });

  it('the audit trail: an actor or summary with a bare CR stays one row, neutralised, and a bad time is an empty cell', () => {
    const entries: AuditEntry[] = HOSTILE_TEXTS.map((t, n) => ({
      id: n + 1,
      at: n === 0 ? Number.NaN : T0,
      actor: t,
      role: 'participant',
      action: 'card.created',
      cardId: 'c1',
      field: null,
      summary: `created agenda item "${t}"`,
    }));
    const rows = csvRowsLikeASpreadsheet(auditCsv(entries));
    expect(rows[0]).toEqual(['id', 'at', 'actor', 'role', 'action', 'card_id', 'field', 'summary']);
    expect(rows).toHaveLength(entries.length + 1);
    rows.slice(1).forEach((row, n) => {
      expect(unneutralise(row[2])).toBe(lf(HOSTILE_TEXTS[n]));
      expect(row[7]).toBe(`created agenda item "${lf(HOSTILE_TEXTS[n])}"`);
      for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
    });
    expect(rows[1][1]).toBe('');
    expect(rows[2][1]).toBe(new Date(T0).toISOString());
  });
});

describe('Markdown exports', () => {
  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 50), t]))('escaped text like %s starts no block, keeps no CR and pings no channel', (_n, t) => {
    const out = mdEscape(t);
    expect(markdownBlockLines(out)).toEqual([]);
    expect(out).not.toContain('\r');
    expect(out).not.toMatch(MASS_MENTION);
  });

  it('defuses mass mentions with a zero-width space and leaves people and words alone', () => {
    expect(mdEscape('@channel @Here, @everyone! @all. @all_ <!channel>')).toBe(
      `@${MENTION_BREAK}channel @${MENTION_BREAK}Here, @${MENTION_BREAK}everyone! @${MENTION_BREAK}all. @${MENTION_BREAK}all\\_ &lt;!channel&gt;`,
    );
    expect(mdEscape('@Sam, @allison and @channels, mail a@here.example')).toBe(`@Sam, @allison and @channels, mail a@${MENTION_BREAK}here.example`);
  });

  it('the action list has exactly its own headings and one list item per action', () => {
    const items = hostileItems();
    const md = actionsMarkdown(list(items, HOSTILE_TEXTS.join(' ')));
    const blocks = markdownBlockLines(md);
    expect(blocks.filter((l) => l.startsWith('#'))).toEqual([expect.stringMatching(/^# Action items: /), '## Open (9)', '## Done (5)']);
    expect(blocks.filter((l) => !l.startsWith('#'))).toHaveLength(items.length);
    for (const l of blocks.filter((b) => !b.startsWith('#'))) expect(l).toMatch(/^- \[[ x]\] /);
    expect(md).not.toMatch(MASS_MENTION);
  });

  it('the summary (the webhook text) has exactly its own headings and list items, whatever the board says', () => {
    const t = (n: number) => HOSTILE_TEXTS[n % HOSTILE_TEXTS.length];
    const decision = (n: number) => ({
      id: `d${n}`,
      cardId: 'c1',
      cardTitle: t(n),
      text: t(n),
      owners: [t(n + 1)],
      due: null,
      dueText: t(n + 2),
      dueFlag: 'unparseable' as const,
      decidedBy: t(n),
    });
    const summary: MeetingSummary = {
      boardId: 'board1',
      title: t(10),
      purpose: t(4),
      meetingDate: '2026-11-24',
      agenda: HOSTILE_TEXTS.map((_x, n) => ({ id: `a${n}`, title: t(n), owner: t(n + 3), done: n % 2 === 0, notes: t(n), decisions: [decision(n)] })),
      decisions: HOSTILE_TEXTS.map((_x, n) => decision(n)),
      actionItems: hostileItems(),
      openNeeds: HOSTILE_TEXTS.map((_x, n) => ({ id: `n${n}`, asker: t(n), addressee: t(n + 1), what: t(n + 2), byWhen: t(n + 3) })),
      unresolvedChallenges: HOSTILE_TEXTS.map((_x, n) => ({ id: `c${n}`, problem: t(n), status: 'open', proposals: [] })),
      attendees: [...HOSTILE_TEXTS],
    };
    const md = summaryMarkdown(summary);
    const blocks = markdownBlockLines(md);
    expect(blocks.filter((l) => l.startsWith('#'))).toEqual([
      expect.stringMatching(/^# /),
      '## Agenda',
      '## Decisions',
      '## Action items',
      '## Open requests',
      '## Unresolved challenges',
    ]);
    const n = HOSTILE_TEXTS.length;
    // Agenda items and their decisions, decisions, live action items (none cancelled here), requests, challenges.
    expect(blocks.filter((l) => !l.startsWith('#'))).toHaveLength(n * 2 + n + n + n + n);
    expect(md).not.toContain('\r');
    expect(md).not.toMatch(MASS_MENTION);
  });
});

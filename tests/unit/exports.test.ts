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
const list = (items: ActionItem[], title = 'Weekly sync', over: Partial<ActionListResponse> = {}): ActionListResponse => ({
  boardId: 'board1',
  title,
  meetingDate: '2026-11-24',
  meetingStart: '',
  timezone: '',
  agendaMinutes: 0,
  actionItems: items,
  ...over,
});

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
      // The meeting, the item's due day, the item's to-do.
      expect(cal.getAllSubcomponents().map((c) => c.name)).toEqual(['vevent', 'vevent', 'vtodo']);
      expect(cal.getAllSubcomponents('vevent')[0].getFirstPropertyValue('summary')).toBe(icsExpected(title));
      expect(cal.getAllSubcomponents('vtodo')[0].getFirstPropertyValue('summary')).toBe('Ship it');
    },
  );

  it('summary, description and UID round-trip hostile text with line breaks as LF, one VTODO per item and nothing more', () => {
    const items = hostileItems();
    const body = actionsIcs(list(items));
    // No item has a due date: the meeting's event and the to-dos.
    expect(
      parseIcs(body)
        .getAllSubcomponents()
        .map((c) => c.name),
    ).toEqual(['vevent', ...items.map(() => 'vtodo')]);
    const todos = parseIcs(body).getAllSubcomponents('vtodo');
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
        'DTSTART',
        'DTEND',
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
      `@${MENTION_BREAK}channel @${MENTION_BREAK}Here, @${MENTION_BREAK}everyone! @${MENTION_BREAK}all. @${MENTION_BREAK}all\\_ \\<\\!channel>`,
    );
    // Chat tools read `<!channel>` as a mention unless it arrives as entities.
    expect(mdEscape('@here <!channel>', 'chat')).toBe(`@${MENTION_BREAK}here &lt;!channel&gt;`);
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

describe('exports that other programs open', () => {
  it('CSV starts with a UTF-8 byte order mark, so Excel reads "Müller" as written', () => {
    const csv = actionsCsv([item({ owners: ['Müller'] })]);
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvRowsLikeASpreadsheet(csv)[1][3]).toBe('Müller');
  });

  it('Markdown escapes "R&D <b>" for Markdown, with no HTML entity anywhere', () => {
    const md = actionsMarkdown(list([item({ text: 'R&D <b>bold</b> & AT&amp;T > 3', owners: ['R&D'], cardTitle: '<i>Launch</i>' })], 'R&D <b>sync</b>'));
    // An entity is an `&` CommonMark would read as one: not after a backslash.
    expect(md).not.toMatch(/(?<!\\)&(?:#\d+|#x[\da-f]+|[a-z]+);/i);
    expect(md).toContain('# Action items: R&D \\<b>sync\\</b>');
    // An ampersand that would start an entity is backslashed so it reads as typed.
    expect(md).toContain('R&D \\<b>bold\\</b> & AT\\&amp;T > 3');
  });

  it('the summary file prints every agenda item’s notes in full, line breaks kept, without entities', () => {
    const summary: MeetingSummary = {
      boardId: 'board1',
      title: 'R&D sync',
      purpose: '',
      meetingDate: '2026-11-24',
      agenda: [{ id: 'a1', title: 'Launch', owner: 'Priya', done: true, notes: 'First line\nSecond <line>\n- third', decisions: [] }],
      decisions: [],
      actionItems: [],
      openNeeds: [],
      unresolvedChallenges: [],
      attendees: [],
    };
    const md = summaryMarkdown(summary);
    expect(md).toContain('  First line  \n  Second \\<line>  \n  \\- third');
    expect(md).not.toMatch(/&(?:#\d+|[a-z]+);/i);
    expect(summaryMarkdown(summary, 'chat')).toContain('Second &lt;line&gt;');
  });

  it('iCalendar: the meeting is an all-day event without a start, and due items are transparent all-day events', () => {
    const items = [
      item(),
      item({ id: 'dec:d2', decisionId: 'd2', due: null }),
      item({ id: 'dec:d3', decisionId: 'd3', status: 'cancelled', due: '2026-12-01' }),
    ];
    const cal = parseIcs(actionsIcs(list(items)));
    const events = cal.getAllSubcomponents('vevent');
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([
      'meeting.board1@meshboard',
      'dec:d1.due.board1@meshboard',
      'dec:d3.due.board1@meshboard',
    ]);
    const [meeting, due, cancelled] = events;
    expect(meeting.getFirstProperty('dtstart')!.type).toBe('date');
    expect(String(meeting.getFirstPropertyValue('dtstart'))).toBe('2026-11-24');
    expect(String(meeting.getFirstPropertyValue('dtend'))).toBe('2026-11-25');
    expect(due.getFirstProperty('dtstart')!.type).toBe('date');
    expect(String(due.getFirstPropertyValue('dtstart'))).toBe('2026-12-04');
    expect(String(due.getFirstPropertyValue('dtend'))).toBe('2026-12-05');
    expect(due.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    expect(due.getFirstPropertyValue('summary')).toBe('Ship it');
    expect(cancelled.getFirstPropertyValue('status')).toBe('CANCELLED');
    // The to-dos stay, one per item.
    expect(cal.getAllSubcomponents('vtodo')).toHaveLength(3);
  });

  it('iCalendar: a start makes the meeting a timed event as long as its agenda; a series zone makes it an instant', () => {
    const plain = parseIcs(actionsIcs(list([], 'Sync', { meetingStart: '10:00', agendaMinutes: 45 }))).getFirstSubcomponent('vevent')!;
    // No zone: floating, read as the importer's local time.
    expect(plain.getFirstPropertyValue('dtstart')!.toString()).toBe('2026-11-24T10:00:00');
    expect(plain.getFirstPropertyValue('dtend')!.toString()).toBe('2026-11-24T10:45:00');
    const berlin = parseIcs(actionsIcs(list([], 'Sync', { meetingStart: '10:00', timezone: 'Europe/Berlin' }))).getFirstSubcomponent('vevent')!;
    expect(berlin.getFirstPropertyValue('dtstart')!.toString()).toBe('2026-11-24T09:00:00Z');
    // No timeboxes: an hour.
    expect(berlin.getFirstPropertyValue('dtend')!.toString()).toBe('2026-11-24T10:00:00Z');
  });
});

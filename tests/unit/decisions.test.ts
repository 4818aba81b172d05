import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decisionLanguage, parseDecision, splitOwners } from '../../shared/decisions.js';
import { extractActions } from '../../shared/action-extraction.js';
import {
  addDecision,
  createCard,
  deleteDecision,
  decisionText,
  initBoard,
  knownNames,
  listCards,
  meetingDate,
  readMeta,
  setMeetingDate,
  updateCard,
  updateDecision,
} from '../../shared/board-schema.js';

/** A Tuesday. */
const MEETING = '2026-11-24';
const people = ['Priya', 'Sam', 'Lee', 'Mary Ann', 'José'];
const ctx = { meetingDate: MEETING, participants: people };

type Row = [text: string, owners: string[], due: string | null, flag?: 'past' | 'unparseable' | null, dueText?: string];

const table: Row[] = [
  // owners by @mention
  ['@Sam to call the hospital supplier by 2026-12-03', ['Sam'], '2026-12-03', null, 'by 2026-12-03'],
  ['@sam to call the supplier', ['Sam'], null],
  ['@Rita books the room', ['Rita'], null],
  ['@Priya @Sam pair on the release notes', ['Priya', 'Sam'], null],
  ['@Priya and @Sam review the contract by Friday', ['Priya', 'Sam'], '2026-11-27'],
  ['Ask Lee about budget, @Sam owns it', ['Sam'], null],
  ['@Mary Ann drafts the memo', ['Mary Ann'], null],
  ['email me at ops@example.org tomorrow', [], '2026-11-25'],
  // owners by participant name
  ['Decision: Priya ships the FAQ page by next Friday', ['Priya'], '2026-12-04', null, 'by next Friday'],
  ['Priya and Sam draft the memo', ['Priya', 'Sam'], null],
  ['Priya, Sam & Lee run the retro', ['Priya', 'Sam', 'Lee'], null],
  ['priya to update the roadmap', ['Priya'], null],
  ['Priya to ask Sam for the numbers', ['Priya'], null],
  ['We agreed that Lee will publish the notes', ['Lee'], null],
  ['Mary Ann owns onboarding', ['Mary Ann'], null],
  ['José reviews the Spanish copy', ['José'], null],
  ['Samantha is not Sam', ['Sam'], null],
  // prefixes
  ['Decided: Lee hires a contractor', ['Lee'], null],
  ['Agreed - Sam pauses the campaign', ['Sam'], null],
  ['Action: Priya sends the invite', ['Priya'], null],
  ['decision: move standup to 9:30', [], null],
  // natural dates, relative to Tuesday 2026-11-24
  ['Sam sends the slides by Friday', ['Sam'], '2026-11-27', null, 'by Friday'],
  ['Lee calls the vendor next Tuesday', ['Lee'], '2026-12-01', null, 'next Tuesday'],
  ['Close the books by end of month', [], '2026-11-30', null, 'by end of month'],
  ['Close the books by the end of the month', [], '2026-11-30'],
  ['Priya ships it in 2 weeks', ['Priya'], '2026-12-08', null, 'in 2 weeks'],
  ['Sam answers the auditors by 3 Dec', ['Sam'], '2026-12-03', null, 'by 3 Dec'],
  ['Sam answers the auditors by Dec 3rd', ['Sam'], '2026-12-03'],
  ['Lee confirms tomorrow', ['Lee'], '2026-11-25', null, 'tomorrow'],
  ['Lee confirms by tomorrow', ['Lee'], '2026-11-25', null, 'by tomorrow'],
  ['Priya reports back due 2026-12-15', ['Priya'], '2026-12-15'],
  ['Sam: budget draft before December 10', ['Sam'], '2026-12-10', null, 'before December 10'],
  ['Sam books the venue by next week', ['Sam'], '2026-12-01'],
  // no owner, no date
  ['Move the retro to Thursdays', [], null, null, ''],
  ['Standup moves to 9:30', [], null, null, ''],
  ['Keep the current pricing', [], null, null, ''],
  ['Decision: nobody in particular', [], null],
  // past dates: kept, flagged
  ['Sam files the report by 2025-01-01', ['Sam'], '2025-01-01', 'past', 'by 2025-01-01'],
  ['Lee sends it by 2026-11-20', ['Lee'], '2026-11-20', 'past'],
  // garbage dates: kept as typed, flagged, never guessed
  ['Priya fixes it by someday', ['Priya'], null, 'unparseable', 'by someday'],
  ['Sam delivers by the Q3 offsite', ['Sam'], null, 'unparseable', 'by the Q3 offsite'],
  ['Lee replies by 31/02', ['Lee'], null, 'unparseable', 'by 31/02'],
  ['Deadline: when pigs fly', [], null, 'unparseable', 'Deadline: when pigs fly'],
  // "by" that is not a date
  ['Sam sends the summary by email', ['Sam'], null, null, ''],
  ['Decided by vote: Lee leads the pilot', ['Lee'], null],
  // emoji and hostile text survive
  ['🚀 Priya launches the beta by Friday 🎉', ['Priya'], '2026-11-27'],
  ['=SUM(A1:A9) Sam checks the sheet', ['Sam'], null],
  ['+1 from Lee, "quoted", with, commas', ['Lee'], null],
];

describe('parseDecision reads owners and due dates from natural text', () => {
  it.each(table)('%s', (text, owners, due, flag = null, dueText) => {
    const p = parseDecision({ text }, ctx);
    expect(p.owners).toEqual(owners);
    expect(p.due).toBe(due);
    expect(p.dueFlag).toBe(flag);
    if (dueText !== undefined) expect(p.dueText).toBe(dueText);
    expect(p.ownersFrom).toBe(owners.length ? 'text' : 'none');
  });

  it('has at least forty phrasings in its table', () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it('strips a Decision: prefix from the text and keeps the rest as typed', () => {
    expect(parseDecision({ text: 'Decision:  Priya ships the FAQ 🚀' }, ctx).text).toBe('Priya ships the FAQ 🚀');
  });

  it('explicit owners override the text, spelled as the board spells them', () => {
    const p = parseDecision({ text: '@Sam calls the supplier by Friday', owners: 'priya, @Lee , ' }, ctx);
    expect(p).toMatchObject({ owners: ['Priya', 'Lee'], ownersFrom: 'explicit', due: '2026-11-27', dueFrom: 'text' });
  });

  it('an explicit due date overrides the text and is flagged when before the meeting', () => {
    expect(parseDecision({ text: 'Sam ships by Friday', due: '2026-12-24' }, ctx)).toMatchObject({ due: '2026-12-24', dueFrom: 'explicit', dueFlag: null });
    expect(parseDecision({ text: 'Sam ships by Friday', due: '2026-01-02' }, ctx)).toMatchObject({ due: '2026-01-02', dueFlag: 'past' });
  });

  it('an explicit due date that is not a date is kept as typed and flagged', () => {
    expect(parseDecision({ text: 'Sam ships', due: 'soonish' }, ctx)).toMatchObject({ due: null, dueText: 'soonish', dueFlag: 'unparseable' });
  });

  it('relative dates count from the meeting day, not from today', () => {
    expect(parseDecision({ text: 'Sam ships by Friday' }, { meetingDate: '2027-03-01' }).due).toBe('2027-03-05');
  });

  it('without known participants only @mentions name owners', () => {
    expect(parseDecision({ text: 'Priya ships it' }, { meetingDate: MEETING }).owners).toEqual([]);
    expect(parseDecision({ text: '@Priya ships it' }, { meetingDate: MEETING }).owners).toEqual(['Priya']);
  });

  it('splitOwners trims, drops @ and duplicates', () => {
    expect(splitOwners(' @Sam, sam ,Lee,,', people)).toEqual(['Sam', 'Lee']);
  });
});

/** A Wednesday, for the phrasings a team lead uses; what each means is listed in docs/board-schema.md. */
const WEDNESDAY = '2026-12-02';
const lead = { meetingDate: WEDNESDAY, participants: people };

const phrasings: Row[] = [
  // dates before the meeting are kept and flagged, never moved to next week or next year
  ['Sam reports by last Monday', ['Sam'], '2026-11-30', 'past', 'by last Monday'],
  ['Sam reports by Nov 30', ['Sam'], '2026-11-30', 'past', 'by Nov 30'],
  ['Sam reports by 30 November', ['Sam'], '2026-11-30', 'past'],
  ['Sam reports by last Friday', ['Sam'], '2026-11-27', 'past'],
  // a weekday alone is the coming one; a month and day the nearest one
  ['Sam reports by Monday', ['Sam'], '2026-12-07', null, 'by Monday'],
  ['Sam reports by Wednesday', ['Sam'], '2026-12-02', null],
  ['Sam reports by Jan 15', ['Sam'], '2027-01-15', null],
  // end of week = Friday of the meeting's week; EOD = the meeting's day
  ['Priya ships by end of week', ['Priya'], '2026-12-04', null, 'by end of week'],
  ['Priya ships by the end of the week', ['Priya'], '2026-12-04', null, 'by the end of the week'],
  ['Priya ships by EOW', ['Priya'], '2026-12-04', null, 'by EOW'],
  ['Priya ships by end of next week', ['Priya'], '2026-12-11', null],
  ['Lee answers EOD', ['Lee'], '2026-12-02', null, 'EOD'],
  ['Lee answers by end of day', ['Lee'], '2026-12-02', null, 'by end of day'],
  ['Lee answers by COB', ['Lee'], '2026-12-02', null],
  // "the 15th" = the next 15th from the meeting on
  ['Lee answers by the 15th', ['Lee'], '2026-12-15', null, 'by the 15th'],
  ['Lee answers by the 1st', ['Lee'], '2027-01-01', null, 'by the 1st'],
  ['Lee answers by the 15th of January', ['Lee'], '2027-01-15', null],
  ['Priya ranks 15th in the survey', ['Priya'], null, null, ''],
  // a month: "by May" = when May starts; "in May", "end of May" = its last day
  ['Sam migrates by May', ['Sam'], '2027-05-01', null, 'by May'],
  ['Sam migrates before March', ['Sam'], '2027-03-01', null, 'before March'],
  ['Sam migrates in May', ['Sam'], '2027-05-31', null, 'in May'],
  ['Sam migrates by end of May', ['Sam'], '2027-05-31', null, 'by end of May'],
  ['Sam migrates by December', ['Sam'], '2026-12-31', null],
  ['Sam may ship it', ['Sam'], null, null, ''],
  // month, quarter, year
  ['Close the books by end of month', [], '2026-12-31', null, 'by end of month'],
  ['Close the books by EOM', [], '2026-12-31', null],
  ['Lee hires next quarter', ['Lee'], '2027-03-31', null, 'next quarter'],
  ['Lee hires in the next quarter', ['Lee'], '2027-03-31', null],
  ['Lee hires by next quarter', ['Lee'], '2027-01-01', null, 'by next quarter'],
  ['Lee hires by end of quarter', ['Lee'], '2026-12-31', null],
  ['Lee hires by end of next quarter', ['Lee'], '2027-03-31', null],
  ['Lee hires by end of year', ['Lee'], '2026-12-31', null],
  // relative spans
  ['Sam ships in two weeks', ['Sam'], '2026-12-16', null, 'in two weeks'],
  ['Sam ships in 3 days', ['Sam'], '2026-12-05', null],
];

describe('parseDecision reads what a team lead means by a deadline', () => {
  it.each(phrasings)('%s (said on Wednesday 2 December 2026)', (text, owners, due, flag = null, dueText) => {
    const p = parseDecision({ text }, lead);
    expect(p.owners).toEqual(owners);
    expect(p.due).toBe(due);
    expect(p.dueFlag).toBe(flag);
    if (dueText !== undefined) expect(p.dueText).toBe(dueText);
  });

  it('the action item of a decision due in the past keeps that day and its flag', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Sync', createdAt: Date.UTC(2026, 11, 2, 9) });
    const card = createCard(doc, { column: 'agenda', title: 'Audit' }, { createdBy: 'Ana' });
    addDecision(doc, card, { text: 'Sam files the audit by Nov 30', decidedBy: 'Ana' });
    addDecision(doc, card, { text: 'Lee answers by last Monday', decidedBy: 'Ana' });
    expect(extractActions(doc).map((a) => [a.due, a.dueFlag])).toEqual([
      ['2026-11-30', 'past'],
      ['2026-11-30', 'past'],
    ]);
  });
});

const german: Row[] = [
  // the phrases of the issue
  ['Sam liefert bis nächsten Freitag', ['Sam'], '2026-12-11', null, 'bis nächsten Freitag'],
  ['@Sam kümmert sich bis Monatsende', ['Sam'], '2026-12-31', null, 'bis Monatsende'],
  ['Priya schickt es bis Ende der Woche', ['Priya'], '2026-12-04', null, 'bis Ende der Woche'],
  ['Lee antwortet bis morgen', ['Lee'], '2026-12-03', null, 'bis morgen'],
  ['Priya liefert bis 15. Januar', ['Priya'], '2027-01-15', null, 'bis 15. Januar'],
  // more dates
  ['Priya liefert bis zum 15. Januar', ['Priya'], '2027-01-15', null, 'bis zum 15. Januar'],
  ['Priya und Sam schreiben das Memo bis zum 15.', ['Priya', 'Sam'], '2026-12-15', null, 'bis zum 15.'],
  ['Lee meldet sich bis 3.12.', ['Lee'], '2026-12-03', null, 'bis 3.12.'],
  ['Lee meldet sich bis 03.12.2026', ['Lee'], '2026-12-03', null],
  ['Sam liefert bis Freitag', ['Sam'], '2026-12-04', null, 'bis Freitag'],
  ['Sam liefert bis Montag', ['Sam'], '2026-12-07', null, 'bis Montag'],
  ['Sam liefert in zwei Wochen', ['Sam'], '2026-12-16', null, 'in zwei Wochen'],
  ['Sam liefert bis übermorgen', ['Sam'], '2026-12-04', null],
  ['Lee antwortet heute', ['Lee'], '2026-12-02', null, 'heute'],
  ['Lee antwortet bis Feierabend', ['Lee'], '2026-12-02', null],
  ['Priya liefert bis zum Wochenende', ['Priya'], '2026-12-04', null, 'bis zum Wochenende'],
  ['Priya liefert bis Ende nächster Woche', ['Priya'], '2026-12-11', null],
  ['Priya liefert bis Ende des Monats', ['Priya'], '2026-12-31', null],
  ['Beschluss: Sam prüft das bis Mai', ['Sam'], '2027-05-01', null, 'bis Mai'],
  ['Sam prüft das Ende Mai', ['Sam'], '2027-05-31', null, 'Ende Mai'],
  ['Sam stellt im nächsten Quartal ein', ['Sam'], '2027-03-31', null, 'im nächsten Quartal'],
  ['Sam stellt bis zum nächsten Quartal ein', ['Sam'], '2027-01-01', null],
  ['Lee klärt das bis Quartalsende', ['Lee'], '2026-12-31', null, 'bis Quartalsende'],
  ['Lee klärt das spätestens am Freitag', ['Lee'], '2026-12-04', null, 'spätestens am Freitag'],
  // before the meeting: kept and flagged
  ['Sam liefert bis letzten Montag', ['Sam'], '2026-11-30', 'past', 'bis letzten Montag'],
  ['Lee meldet sich bis 30.11.', ['Lee'], '2026-11-30', 'past', 'bis 30.11.'],
  ['Lee meldet sich bis 30. November', ['Lee'], '2026-11-30', 'past'],
  // not a date, or not one that can be read
  ['Sam antwortet bis auf Weiteres nicht', ['Sam'], null, null, ''],
  ['Sam liefert bis irgendwann', ['Sam'], null, 'unparseable', 'bis irgendwann'],
  ['Lee liefert bis 31.02.', ['Lee'], null, 'unparseable', 'bis 31.02'],
  // owners, as in English: @mentions, a leading list, else every known name
  ['Entscheidung: Priya übernimmt die Planung', ['Priya'], null],
  ['Vereinbart: Sam und Lee kümmern sich um das Budget', ['Sam', 'Lee'], null],
  ['Sam fragt Priya nach den Zahlen', ['Sam'], null],
  ['Wir haben beschlossen, dass Lee die Notizen veröffentlicht', ['Lee'], null],
  ['Aufgabe: @José bucht den Raum bis Donnerstag', ['José'], '2026-12-03'],
  ['Die Freigabe macht Mary Ann bis zum 10.', ['Mary Ann'], '2026-12-10'],
];

describe('parseDecision reads German decisions', () => {
  it.each(german)('%s', (text, owners, due, flag = null, dueText) => {
    const p = parseDecision({ text }, lead);
    expect(p.owners).toEqual(owners);
    expect(p.due).toBe(due);
    expect(p.dueFlag).toBe(flag);
    if (dueText !== undefined) expect(p.dueText).toBe(dueText);
  });

  it('strips a German prefix as it does an English one', () => {
    expect(parseDecision({ text: 'Entscheidung: Sam liefert bis Freitag' }, lead).text).toBe('Sam liefert bis Freitag');
    expect(parseDecision({ text: 'Beschluss – Sam liefert' }, lead).text).toBe('Sam liefert');
  });

  it('tells the language of a decision from its words, English when in doubt', () => {
    expect(decisionLanguage('@Sam kümmert sich bis Monatsende')).toBe('de');
    expect(decisionLanguage('Sam liefert bis Freitag')).toBe('de');
    expect(decisionLanguage('Jürgen ships the release by Friday')).toBe('en');
    expect(decisionLanguage('Sam Lee')).toBe('en');
  });

  it('the server extracts German decisions into action items with the same parser', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Sync', createdAt: Date.UTC(2026, 11, 2, 9) });
    const card = createCard(doc, { column: 'agenda', title: 'Planung', owner: 'Sam' }, { createdBy: 'Ana' });
    addDecision(doc, card, { text: '@Sam kümmert sich bis Monatsende', decidedBy: 'Ana' });
    expect(extractActions(doc)[0]).toMatchObject({ owners: ['Sam'], due: '2026-12-31', dueText: 'bis Monatsende', dueFlag: null });
  });
});

describe('decisions in the board document', () => {
  const board = () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Sync', createdAt: Date.UTC(2026, 10, 24, 9) });
    return doc;
  };

  it('every card gets a decisions list, and decisions read back with their fields', () => {
    const doc = board();
    const a = createCard(doc, { column: 'agenda', title: 'Launch', owner: 'Priya' }, { createdBy: 'Ana' });
    const n = createCard(doc, { column: 'needs', asker: 'Lee', addressee: 'Sam', what: 'Numbers' });
    const c = createCard(doc, { column: 'challenges', problem: 'Churn' });
    const d = addDecision(doc, a, { text: 'Priya ships by Friday', decidedBy: 'Ana' }, undefined, { now: 7 })!;
    addDecision(doc, n, { text: 'Sam sends numbers', owners: 'Sam', due: '2026-12-01', decidedBy: 'Lee' });
    addDecision(doc, c, { text: 'Run exit calls', decidedBy: 'Lee' });
    expect(listCards(doc, 'agenda')[0].decisions).toEqual([{ id: d, text: 'Priya ships by Friday', owners: '', due: '', decidedBy: 'Ana', createdAt: 7 }]);
    expect(listCards(doc, 'needs')[0].decisions[0]).toMatchObject({ owners: 'Sam', due: '2026-12-01' });
    expect(listCards(doc, 'challenges')[0].decisions).toHaveLength(1);
    expect(decisionText(doc, a, d)).toBeInstanceOf(Y.Text);
    expect(updateDecision(doc, a, d, { owners: 'Lee', due: '2026-12-02', text: 'Lee ships by Friday' })).toBe(true);
    expect(listCards(doc, 'agenda')[0].decisions[0]).toMatchObject({ text: 'Lee ships by Friday', owners: 'Lee', due: '2026-12-02' });
    expect(deleteDecision(doc, a, d)).toBe(true);
    expect(listCards(doc, 'agenda')[0].decisions).toEqual([]);
    expect(addDecision(doc, 'nope', { text: 'x', decidedBy: 'y' })).toBeNull();
  });

  it('a card written before decisions existed gets its list on the first decision', () => {
    const doc = board();
    const card = new Y.Map<unknown>();
    card.set('id', 'old');
    card.set('column', 'agenda');
    card.set('title', new Y.Text('Old item'));
    doc.getMap('cards').set('old', card);
    expect(listCards(doc, 'agenda')[0].decisions).toEqual([]);
    expect(addDecision(doc, 'old', { text: 'Keep it', decidedBy: 'Lee' })).toEqual(expect.any(String));
    expect(listCards(doc, 'agenda')[0].decisions).toHaveLength(1);
  });

  it('the meeting date is the creation day unless set', () => {
    const doc = board();
    expect(meetingDate(doc)).toBe('2026-11-24');
    setMeetingDate(doc, '2026-12-01');
    expect(readMeta(doc).meetingDate).toBe('2026-12-01');
    setMeetingDate(doc, '');
    expect(meetingDate(doc)).toBe('2026-11-24');
    expect(() => setMeetingDate(doc, '2026-02-31')).toThrow(RangeError);
    doc.getMap('meta').set('meetingDate', 'garbage');
    expect(meetingDate(doc)).toBe('2026-11-24');
  });

  it('knownNames gathers owners, askers, addressees, authors and deciders once each', () => {
    const doc = board();
    const a = createCard(doc, { column: 'agenda', title: 'A', owner: 'Priya' }, { createdBy: 'Ana' });
    createCard(doc, { column: 'needs', asker: 'Lee', addressee: 'sam', what: 'x' }, { createdBy: 'API' });
    createCard(doc, { column: 'challenges', problem: 'p', proposals: ['q'] }, { createdBy: 'Sam' });
    addDecision(doc, a, { text: 'x', decidedBy: 'Kofi' });
    expect(knownNames(doc).sort()).toEqual(['Ana', 'Kofi', 'Lee', 'Priya', 'sam']);
  });

  it('extractActions yields one item per decision and one per accepted need, with stable ids', () => {
    const doc = board();
    const a = createCard(doc, { column: 'agenda', title: 'Launch plan\nmore', owner: 'Priya' }, { createdBy: 'Ana' });
    const d = addDecision(doc, a, { text: 'Decision: Priya ships the FAQ by next Friday', decidedBy: 'Ana' })!;
    const n = createCard(doc, { column: 'needs', asker: 'Lee', addressee: 'Sam', what: 'Q3 numbers', byWhen: '2026-12-01' });
    expect(extractActions(doc).map((x) => x.id)).toEqual([`dec:${d}`]);
    updateCard(doc, n, { status: 'accepted' });
    const items = extractActions(doc);
    expect(items).toEqual([
      expect.objectContaining({
        id: `dec:${d}`,
        kind: 'decision',
        cardId: a,
        cardTitle: 'Launch plan',
        owners: ['Priya'],
        due: '2026-12-04',
        dueText: 'by next Friday',
        decidedBy: 'Ana',
      }),
      expect.objectContaining({ id: `need:${n}`, kind: 'need', owners: ['Sam'], due: '2026-12-01', text: 'Q3 numbers', boardStatus: 'open' }),
    ]);
    expect(extractActions(doc, [n]).map((x) => x.id)).toEqual([`need:${n}`]);
    expect(extractActions(doc, ['gone'])).toEqual([]);
  });
});

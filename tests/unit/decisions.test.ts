import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseDecision, splitOwners } from '../../shared/decisions.js';
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

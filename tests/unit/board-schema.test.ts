import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addProposal,
  applyTextDiff,
  cardText,
  cardsMap,
  createCard,
  createCards,
  deleteCard,
  deleteProposal,
  getCard,
  initBoard,
  listCards,
  moveCard,
  readBoard,
  readCard,
  readMeta,
  setCurrentAgenda,
  setMeta,
  updateCard,
} from '../../shared/board-schema.js';

const newBoard = () => {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Weekly sync', purpose: 'Unblock', createdAt: 1000 });
  return doc;
};
const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe('board schema', () => {
  it('a new board has its meta and three empty columns', () => {
    expect(readBoard(newBoard())).toEqual({
      meta: {
        title: 'Weekly sync',
        purpose: 'Unblock',
        createdAt: 1000,
        currentAgendaId: null,
        schemaVersion: 1,
        meetingDate: '1970-01-01',
        meetingStart: '',
        timezone: '',
        seriesId: null,
        seq: null,
        flagAfter: 0,
      },
      columns: { agenda: [], needs: [], challenges: [] },
    });
  });

  it('creates each kind of card with defaults and reads it back', () => {
    const doc = newBoard();
    const a = createCard(doc, { column: 'agenda', title: 'Wins', timebox: 5 }, { createdBy: 'Ana', now: 5 });
    const n = createCard(doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Slides' });
    const c = createCard(doc, { column: 'challenges', problem: 'Churn', proposals: ['Call them'] });
    expect(readCard(getCard(doc, a))).toEqual({
      id: a,
      column: 'agenda',
      order: expect.any(String),
      createdAt: 5,
      createdBy: 'Ana',
      title: 'Wins',
      owner: '',
      timebox: 5,
      notes: '',
      done: false,
      pinned: false,
      decisions: [],
      carriedFrom: '',
      tags: [],
    });
    expect(readCard(getCard(doc, n))).toMatchObject({ column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Slides', byWhen: '', status: 'open' });
    expect(readCard(getCard(doc, c))).toMatchObject({ column: 'challenges', problem: 'Churn', status: 'open', proposals: [{ text: 'Call them' }] });
    expect(cardText(doc, a, 'title')).toBeInstanceOf(Y.Text);
  });

  it('keeps cards in order and inserts at an index', () => {
    const doc = newBoard();
    createCard(doc, { column: 'agenda', title: 'B' });
    createCard(doc, { column: 'agenda', title: 'C' });
    createCard(doc, { column: 'agenda', title: 'A' }, { index: 0 });
    expect(listCards(doc, 'agenda').map((c) => c.title)).toEqual(['A', 'B', 'C']);
  });

  it('adds many cards at once after the existing ones, each column in the given order', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'T' });
    createCard(doc, { column: 'agenda', title: 'First' });
    const ids = createCards(doc, [
      { column: 'agenda', title: 'A1' },
      { column: 'needs', asker: 'Ana', addressee: 'Bo', what: 'N1' },
      { column: 'agenda', title: 'A2' },
      { column: 'challenges', problem: 'C1' },
      { column: 'agenda', title: 'A3' },
    ]);
    expect(ids).toHaveLength(5);
    expect(listCards(doc, 'agenda').map((c) => c.title)).toEqual(['First', 'A1', 'A2', 'A3']);
    expect(listCards(doc, 'needs').map((c) => c.what)).toEqual(['N1']);
    expect(listCards(doc, 'challenges').map((c) => c.problem)).toEqual(['C1']);
    createCard(doc, { column: 'agenda', title: 'Last' });
    expect(listCards(doc, 'agenda').at(-1)?.title).toBe('Last');
  });

  it('moves a card within its column', () => {
    const doc = newBoard();
    const ids = ['A', 'B', 'C', 'D'].map((title) => createCard(doc, { column: 'agenda', title }));
    moveCard(doc, ids[3], 0);
    expect(listCards(doc, 'agenda').map((c) => c.title)).toEqual(['D', 'A', 'B', 'C']);
    moveCard(doc, ids[3], 99);
    expect(listCards(doc, 'agenda').map((c) => c.title)).toEqual(['A', 'B', 'C', 'D']);
    moveCard(doc, ids[0], 2);
    expect(listCards(doc, 'agenda').map((c) => c.title)).toEqual(['B', 'C', 'A', 'D']);
  });

  it('a move and a concurrent text edit of the same card both survive', () => {
    const a = newBoard();
    const b = new Y.Doc();
    const ids = ['One', 'Two'].map((title) => createCard(a, { column: 'agenda', title }));
    sync(a, b);
    moveCard(a, ids[1], 0);
    cardText(b, ids[1], 'title')!.insert(3, ' (urgent)');
    sync(a, b);
    expect(listCards(a, 'agenda').map((c) => c.title)).toEqual(['Two (urgent)', 'One']);
    expect(readBoard(a)).toEqual(readBoard(b));
  });

  it('two cards inserted concurrently at the same place get a stable, shared order', () => {
    const a = newBoard();
    const b = new Y.Doc();
    sync(a, b);
    createCard(a, { column: 'needs', asker: 'A', addressee: 'B', what: 'from a' });
    createCard(b, { column: 'needs', asker: 'B', addressee: 'A', what: 'from b' });
    sync(a, b);
    expect(listCards(a, 'needs').map((c) => c.what)).toEqual(listCards(b, 'needs').map((c) => c.what));
    // And a card can still be placed between the tied pair.
    createCard(a, { column: 'needs', asker: 'C', addressee: 'D', what: 'middle' }, { index: 1 });
    expect(listCards(a, 'needs').map((c) => c.what)[1]).toBe('middle');
  });

  it('updates only the scalar fields that belong to the card’s column', () => {
    const doc = newBoard();
    const n = createCard(doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Slides' });
    updateCard(doc, n, { status: 'accepted', byWhen: '2026-12-01', done: true } as never);
    expect(readCard(getCard(doc, n))).toMatchObject({ status: 'accepted', byWhen: '2026-12-01' });
    expect(getCard(doc, n)!.has('done')).toBe(false);
    expect(updateCard(doc, 'missing', { status: 'done' })).toBe(false);
  });

  it('deleting the current agenda item clears the current marker', () => {
    const doc = newBoard();
    const id = createCard(doc, { column: 'agenda', title: 'Now' });
    setCurrentAgenda(doc, id);
    expect(readMeta(doc).currentAgendaId).toBe(id);
    deleteCard(doc, id);
    expect(readMeta(doc).currentAgendaId).toBeNull();
    expect(listCards(doc, 'agenda')).toEqual([]);
  });

  it('adds and deletes proposals under a challenge only', () => {
    const doc = newBoard();
    const c = createCard(doc, { column: 'challenges', problem: 'Churn' });
    const a = createCard(doc, { column: 'agenda', title: 'x' });
    const p = addProposal(doc, c, 'Exit interviews', 'Lee')!;
    expect(addProposal(doc, a, 'nope', 'Lee')).toBeNull();
    expect(listCards(doc, 'challenges')[0].proposals).toEqual([{ id: p, text: 'Exit interviews', author: 'Lee', createdAt: expect.any(Number) }]);
    expect(deleteProposal(doc, c, p)).toBe(true);
    expect(listCards(doc, 'challenges')[0].proposals).toEqual([]);
  });

  it('reads foreign or damaged entries without failing: non-cards are skipped, bad fields default', () => {
    const doc = newBoard();
    const cards = cardsMap(doc);
    cards.set('junk', 'not a map' as never);
    const odd = new Y.Map<unknown>();
    odd.set('id', 'odd');
    odd.set('column', 'agenda');
    odd.set('timebox', 'ten');
    odd.set('done', 'yes');
    cards.set('odd', odd);
    const unknown = new Y.Map<unknown>();
    unknown.set('id', 'u');
    unknown.set('column', 'kanban');
    cards.set('u', unknown);
    expect(readBoard(doc).columns.agenda).toEqual([
      {
        id: 'odd',
        column: 'agenda',
        order: 'a0',
        createdAt: 0,
        createdBy: '',
        title: '',
        owner: '',
        timebox: null,
        notes: '',
        done: false,
        pinned: false,
        decisions: [],
        carriedFrom: '',
        tags: [],
      },
    ]);
    expect(readBoard(doc).columns.needs).toEqual([]);
  });

  it('setMeta changes only what differs', () => {
    const doc = newBoard();
    let updates = 0;
    doc.on('update', () => updates++);
    setMeta(doc, { title: 'Weekly sync' });
    expect(updates).toBe(0);
    setMeta(doc, { purpose: 'Decide' });
    expect(readMeta(doc).purpose).toBe('Decide');
  });
});

describe('applyTextDiff', () => {
  const cases: Array<[string, string]> = [
    ['', 'hello'],
    ['hello', ''],
    ['hello world', 'hello brave world'],
    ['abc', 'abXc'],
    ['aaaa', 'aaa'],
    ['smile 😀 now', 'smile 😁 now'],
    ['😀😀', '😀'],
    ['x', 'x'],
  ];
  it.each(cases)('turns %j into %j', (from, to) => {
    const doc = new Y.Doc();
    const t = doc.getText('t');
    t.insert(0, from);
    applyTextDiff(t, to);
    expect(t.toString()).toBe(to);
  });

  it('keeps a concurrent edit elsewhere in the text', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, 'The quick fox');
    sync(a, b);
    applyTextDiff(a.getText('t'), 'The quick brown fox');
    b.getText('t').insert(13, ' jumps');
    sync(a, b);
    expect(a.getText('t').toString()).toBe('The quick brown fox jumps');
  });
});

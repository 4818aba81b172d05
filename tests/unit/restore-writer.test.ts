import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addDecision,
  addProposal,
  cardText,
  applyTextDiff,
  createCard,
  deleteCard,
  deleteDecision,
  deleteProposal,
  initBoard,
  moveCard,
  readBoard,
  setCurrentAgenda,
  setMeetingDate,
  setMeta,
  updateCard,
  updateDecision,
} from '../../shared/board-schema.js';
import { restoreInto } from '../../server/history/restore-writer.js';

const ORIGIN = { kind: 'local', by: 'restore' } as const;

/** A board with one card per column, a decision and two proposals; ids fixed so cases can refer to them. */
function baseBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Weekly sync', purpose: 'Unblock each other', createdAt: 1_700_000_000_000 });
  createCard(doc, { column: 'agenda', title: 'Launch plan', owner: 'Priya', timebox: 10, notes: 'First line' }, { id: 'agenda1', createdBy: 'Ana', now: 1 });
  createCard(doc, { column: 'agenda', title: 'Hiring', owner: 'Sam' }, { id: 'agenda2', createdBy: 'Ana', now: 2 });
  createCard(doc, { column: 'needs', asker: 'Priya', addressee: 'Sam', what: 'Q3 churn numbers' }, { id: 'need1', createdBy: 'Priya', now: 3 });
  createCard(doc, { column: 'challenges', problem: 'Flaky CI', proposals: ['Quarantine tests', 'Add retries'] }, { id: 'ch1', createdBy: 'Sam', now: 4 });
  addDecision(doc, 'agenda1', { text: 'Priya ships the FAQ by Friday', decidedBy: 'Ana' }, undefined, { id: 'dec1', now: 5 });
  return doc;
}

const clone = (doc: Y.Doc): Y.Doc => {
  const c = new Y.Doc();
  Y.applyUpdate(c, Y.encodeStateAsUpdate(doc));
  return c;
};

/** Both roots as plain JSON: what must be equal after a restore (covers fields readBoard does not show). */
const roots = (doc: Y.Doc) => ({ meta: doc.getMap('meta').toJSON(), cards: doc.getMap('cards').toJSON() });

const proposalIds = (doc: Y.Doc) => (readBoard(doc).columns.challenges[0]?.proposals ?? []).map((p) => p.id);

const cases: Array<[string, (doc: Y.Doc) => void]> = [
  ['title and purpose changed', (d) => setMeta(d, { title: 'Renamed', purpose: 'Something else' })],
  ['a card was added', (d) => createCard(d, { column: 'needs', asker: 'Lee', addressee: 'Ana', what: 'A laptop' })],
  ['a card was deleted', (d) => deleteCard(d, 'need1')],
  ['text was edited in the middle', (d) => applyTextDiff(cardText(d, 'agenda1', 'notes')!, 'First line\nand a second')],
  [
    'scalars and status changed',
    (d) => {
      updateCard(d, 'agenda1', { owner: 'Lee', timebox: null, done: true });
      updateCard(d, 'need1', { status: 'accepted', byWhen: '2026-12-04' });
    },
  ],
  ['a card was moved', (d) => moveCard(d, 'agenda2', 0)],
  [
    'a decision was added, another edited',
    (d) => {
      addDecision(d, 'need1', { text: 'Sam sends the numbers', decidedBy: 'Priya' });
      updateDecision(d, 'agenda1', 'dec1', { text: 'Priya ships the FAQ by Monday', owners: 'Priya, Sam', due: '2026-12-07' });
    },
  ],
  ['a decision was removed', (d) => deleteDecision(d, 'agenda1', 'dec1')],
  [
    'a proposal was removed and one added',
    (d) => {
      deleteProposal(d, 'ch1', proposalIds(d)[0]);
      addProposal(d, 'ch1', 'Run tests in parallel', 'Lee');
    },
  ],
  [
    'the current item and meeting date were set',
    (d) => {
      setCurrentAgenda(d, 'agenda2');
      setMeetingDate(d, '2026-11-24');
    },
  ],
  [
    'a foreign client wrote an unknown field and replaced a text with a string',
    (d) => {
      (d.getMap('cards').get('ch1') as Y.Map<unknown>).set('x-color', { r: 1, g: 2 });
      (d.getMap('cards').get('need1') as Y.Map<unknown>).set('what', 'plain string');
    },
  ],
  [
    'everything was deleted',
    (d) => {
      for (const id of [...d.getMap('cards').keys()]) deleteCard(d, id);
    },
  ],
];

describe('restoring an old state as a change on top', () => {
  it.each(cases)('after "%s", the board equals the old state again', (_name, change) => {
    const doc = baseBoard();
    const old = clone(doc);
    change(doc);
    expect(roots(doc)).not.toEqual(roots(old));
    expect(restoreInto(doc, old, ORIGIN)).toBe(true);
    expect(roots(doc)).toEqual(roots(old));
    expect(readBoard(doc)).toEqual(readBoard(old));
  });

  it.each(cases)('the reverse works too: from the old state to the state after "%s"', (_name, change) => {
    const doc = baseBoard();
    const newer = clone(doc);
    change(newer);
    restoreInto(doc, newer, ORIGIN);
    expect(roots(doc)).toEqual(roots(newer));
  });

  it('restoring the state it already has changes nothing and writes no update', () => {
    const doc = baseBoard();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(restoreInto(doc, clone(doc), ORIGIN)).toBe(false);
    expect(updates).toEqual([]);
  });

  it('is one transaction with the given origin', () => {
    const doc = baseBoard();
    const old = clone(doc);
    deleteCard(doc, 'need1');
    setMeta(doc, { title: 'Renamed' });
    const origins: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    restoreInto(doc, old, ORIGIN);
    expect(origins).toEqual([ORIGIN]);
  });

  it('keeps the identity of decisions and of unchanged texts, so concurrent typing elsewhere survives', () => {
    const doc = baseBoard();
    const old = clone(doc);
    const replica = clone(doc);
    updateDecision(doc, 'agenda1', 'dec1', { text: 'Changed' });
    const notesBefore = cardText(doc, 'agenda1', 'notes');
    restoreInto(doc, old, ORIGIN);
    expect(cardText(doc, 'agenda1', 'notes')).toBe(notesBefore);
    // Someone offline typed in the notes meanwhile: their text merges with the restore.
    applyTextDiff(cardText(replica, 'agenda1', 'notes')!, 'First line!');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica));
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    expect(readBoard(doc).columns.agenda[0].notes).toBe('First line!');
    expect(readBoard(doc).columns.agenda[0].decisions[0]).toMatchObject({ id: 'dec1', text: 'Priya ships the FAQ by Friday' });
    expect(roots(replica)).toEqual(roots(doc));
  });

  it('restores from an unrelated document (an import) as well', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Empty' });
    const other = baseBoard();
    restoreInto(doc, other, ORIGIN);
    expect(readBoard(doc)).toEqual(readBoard(other));
  });

  it('a restore can itself be reverted by restoring the state before it', () => {
    const doc = baseBoard();
    const v1 = clone(doc);
    deleteCard(doc, 'agenda2');
    createCard(doc, { column: 'agenda', title: 'New item' }, { id: 'agenda3' });
    const before = clone(doc);
    restoreInto(doc, v1, ORIGIN);
    expect(readBoard(doc)).toEqual(readBoard(v1));
    restoreInto(doc, before, ORIGIN);
    expect(readBoard(doc)).toEqual(readBoard(before));
  });
});

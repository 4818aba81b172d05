import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addDecision,
  addProposal,
  cardText,
  cardsMap,
  createCard,
  createCards,
  deleteCard,
  knownNames,
  moveCard,
  readBoard,
  updateCard,
  type NewCard,
} from '../../shared/board-schema.js';
import { BoardIndex } from '../../client/lib/board-index.js';

/** A board index kept up to date from the document's events, as the browser keeps it. */
function watched(doc: Y.Doc) {
  const index = new BoardIndex(doc);
  const changes: Array<ReturnType<BoardIndex['apply']>> = [];
  cardsMap(doc).observeDeep((events) => changes.push(index.apply(events)));
  return { index, changes };
}

const card = (i: number): NewCard =>
  i % 3 === 0
    ? { column: 'agenda', title: `Item ${i}`, owner: `Owner ${i % 7}`, notes: `notes ${i}` }
    : i % 3 === 1
      ? { column: 'needs', asker: `Asker ${i % 5}`, addressee: `Bo ${i % 4}`, what: `need ${i}` }
      : { column: 'challenges', problem: `problem ${i}` };

/** A tiny deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    // mulberry32: the low bits of a plain LCG cycle too fast for `% n` to reach every case.
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe('the board index the browser renders from', () => {
  it('equals a full read of the board after every one of a long random run of edits, moves, adds and deletes, local and remote', () => {
    const doc = new Y.Doc();
    const remote = new Y.Doc();
    doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && Y.applyUpdate(remote, u, 'sync'));
    remote.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && Y.applyUpdate(doc, u, 'sync'));
    createCards(
      doc,
      Array.from({ length: 40 }, (_, i) => card(i)),
    );
    const { index } = watched(doc);
    const next = rng(7);
    for (let step = 0; step < 200; step++) {
      const on = next(2) ? doc : remote;
      const ids = [...cardsMap(on).keys()];
      const id = ids[next(ids.length)];
      switch (next(8)) {
        case 0:
          createCard(on, card(next(1000)), { createdBy: `Writer ${next(3)}` });
          break;
        case 1:
          if (ids.length > 10) deleteCard(on, id);
          if (ids.length > 60) deleteCard(on, ids[next(ids.length)]);
          break;
        case 2:
          moveCard(on, id, next(ids.length));
          break;
        case 3: {
          const t = cardText(on, id, 'title') ?? cardText(on, id, 'what') ?? cardText(on, id, 'problem');
          t?.insert(next(t.length + 1), 'x');
          break;
        }
        case 4:
          addDecision(on, id, { text: `@Dee ${step} by Friday`, decidedBy: `Decider ${next(4)}` });
          break;
        case 5:
          if (cardsMap(on).get(id)?.get('column') === 'challenges') addProposal(on, id, `try ${step}`, `Author ${next(3)}`);
          break;
        case 6:
          if (cardsMap(on).get(id)?.get('column') === 'agenda') updateCard(on, id, { owner: `Renamed ${next(9)}`, done: next(2) === 0 });
          break;
        default:
          // Several changes in one transaction, as an undo or a paste makes them.
          on.transact(() => {
            for (let k = 0; k < 5; k++) createCard(on, card(next(1000)));
            if (ids.length > 12) deleteCard(on, ids[next(ids.length)]);
          });
      }
      const full = readBoard(doc);
      expect(index.columns).toEqual(full.columns);
      expect(index.names).toEqual(knownNames(doc));
    }
  });

  it('keeps every untouched card and column as the same object, so keyed rendering leaves them alone', () => {
    const doc = new Y.Doc();
    const [a, b] = createCards(doc, [card(0), card(3), card(1), card(2)]);
    const { index, changes } = watched(doc);
    const before = index.columns;
    const untouched = before.agenda.find((c) => c.id === b)!;
    cardText(doc, a, 'notes')!.insert(0, 'typed ');
    expect(changes.at(-1)).toMatchObject({ columns: ['agenda'], names: false });
    expect(index.columns.agenda).not.toBe(before.agenda);
    expect(index.columns.agenda.find((c) => c.id === b)).toBe(untouched);
    expect(index.columns.agenda.find((c) => c.id === a)!.notes).toBe('typed notes 0');
    expect(index.columns.needs).toBe(before.needs);
    expect(index.columns.challenges).toBe(before.challenges);
  });

  it('reads the names again only when a name changed', () => {
    const doc = new Y.Doc();
    const [a] = createCards(doc, [card(0)]);
    const { index, changes } = watched(doc);
    const names = index.names;
    cardText(doc, a, 'title')!.insert(0, 'x');
    expect(changes.at(-1)!.names).toBe(false);
    expect(index.names).toBe(names);
    updateCard(doc, a, { owner: 'Zoë' });
    expect(changes.at(-1)!.names).toBe(true);
    expect(index.names).toContain('Zoë');
  });
});

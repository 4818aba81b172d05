import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDecision, addProposal, createCard, initBoard, readBoard, updateCard } from '../../shared/board-schema.js';
import { carryOver } from '../../server/series/carry-over.js';

function board() {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Ops' });
  return doc;
}

describe('carry-over', () => {
  it('carries pinned agenda items, open and accepted requests, and challenges neither resolved nor escalated', () => {
    const doc = board();
    const pinned = createCard(doc, { column: 'agenda', title: 'Escalations', owner: 'Ana', timebox: 10, notes: 'top 3', pinned: true, tags: ['faq'] });
    createCard(doc, { column: 'agenda', title: 'Demo', done: true });
    const open = createCard(doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Numbers' });
    const accepted = createCard(doc, { column: 'needs', asker: 'Sam', addressee: 'Ana', what: 'Notes', status: 'accepted', askId: 'ask1', team: 'Sales' });
    for (const status of ['declined', 'done'] as const) createCard(doc, { column: 'needs', asker: 'Sam', addressee: 'Ana', what: status, status });
    const moving = createCard(doc, { column: 'challenges', problem: 'Flaky CI' });
    updateCard(doc, moving, { status: 'moving' });
    const resolved = createCard(doc, { column: 'challenges', problem: 'Slow deploys' });
    updateCard(doc, resolved, { status: 'resolved' });
    const escalated = createCard(doc, { column: 'challenges', problem: 'Budget' });
    updateCard(doc, escalated, { escalatedTo: 'Management' });
    const cards = carryOver(readBoard(doc), { seq: 1, date: '2030-01-03', dots: new Map() });
    expect(cards).toEqual([
      { column: 'agenda', title: 'Escalations', owner: 'Ana', timebox: 10, notes: 'top 3', pinned: true, carriedFrom: pinned, tags: ['faq'] },
      expect.objectContaining({ column: 'needs', what: 'Numbers', status: 'open', carriedFrom: open }),
      expect.objectContaining({ column: 'needs', what: 'Notes', status: 'accepted', carriedFrom: accepted, askId: 'ask1', team: 'Sales' }),
      expect.objectContaining({ column: 'challenges', problem: 'Flaky CI', status: 'moving', carriedFrom: moving }),
    ]);
  });

  it('a carried card keeps the id it started as, and a challenge adds one step per meeting with only what moved in it', () => {
    const one = board();
    const c = createCard(one, { column: 'challenges', problem: 'Flaky CI', proposals: ['Retry'] });
    addDecision(one, c, { text: 'Sam measures it', decidedBy: 'Ana' });
    const toTwo = carryOver(readBoard(one), { seq: 1, date: '2030-01-03', dots: new Map([[c, 3]]) });
    const two = board();
    const c2 = createCard(two, toTwo[0]);
    addProposal(two, c2, 'Quarantine', 'Sam');
    updateCard(two, c2, { status: 'moving' });
    const toThree = carryOver(readBoard(two), { seq: 2, date: '2030-01-10', dots: new Map() });
    expect(toThree).toHaveLength(1);
    const card = toThree[0];
    expect(card).toMatchObject({ carriedFrom: c, status: 'moving' });
    expect(card.column === 'challenges' && card.history).toEqual([
      { seq: 1, date: '2030-01-03', proposals: ['Retry'], decisions: ['Sam measures it'], dots: 3, from: 'open', to: 'open' },
      { seq: 2, date: '2030-01-10', proposals: ['Quarantine'], decisions: [], dots: 0, from: 'open', to: 'moving' },
    ]);
  });
});

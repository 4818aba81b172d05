/** The ask store contract, on every engine: asks and escalations are made once per card, placed once, forgotten with a board that was never made. */
import { describe, expect, it } from 'vitest';
import type { AskRecord, EscalationRecord } from '../../server/store/ask-store.js';
import type { Stores } from '../../server/store/stores.js';
import { addSeries, ENGINES, storesOn } from './engines.js';

const series = (stores: Stores, id: string) => addSeries(stores, id, id);

const ask = (over: Partial<AskRecord> = {}): AskRecord => ({
  id: 'ask1',
  fromSeries: 'SeriesA',
  fromBoard: 'BoardA1',
  fromCard: 'card1',
  toSeries: 'SeriesB',
  asker: 'Ana',
  addressee: 'Mia',
  what: 'Budget',
  byWhen: '',
  status: 'open',
  reason: '',
  createdAt: 1000,
  answeredAt: null,
  answerSeq: null,
  placedBoard: null,
  shownStatus: null,
  shownBoard: null,
  ...over,
});

const escalation = (over: Partial<EscalationRecord> = {}): EscalationRecord => ({
  id: 'esc1',
  fromSeries: 'SeriesA',
  fromBoard: 'BoardA1',
  fromCard: 'card2',
  toSeries: 'SeriesB',
  problem: 'Pager load',
  proposals: [{ text: 'Hire', author: 'Ana', createdAt: 5 }],
  history: [{ seq: 1, date: '2030-01-01', proposals: ['Hire'], decisions: [], dots: 2, from: 'open', to: 'moving' }],
  createdAt: 1000,
  placedBoard: null,
  ...over,
});

describe.each(ENGINES)('ask store ($name)', (engine) => {
  const open = storesOn(engine);

  it('makes an ask once per card, places it once, keeps the first answer’s time and forgets a board never made', async () => {
    const { stores, reopen } = await open();
    await series(stores, 'SeriesA');
    await series(stores, 'SeriesB');
    expect(await stores.asks.createAsk(ask())).toBe(true);
    expect(await stores.asks.createAsk(ask({ id: 'ask2' }))).toBe(false);
    expect(await stores.asks.placeAsk('ask1', 'BoardB2')).toBe(true);
    expect(await stores.asks.placeAsk('ask1', 'BoardB3')).toBe(false);
    await stores.asks.answerAsk('ask1', { status: 'accepted', reason: '', at: 2000, seq: 2 });
    await stores.asks.answerAsk('ask1', { status: 'declined', reason: 'No budget', at: 3000, seq: 3 });
    await stores.asks.showAnswer('ask1', 'declined', 'BoardA2');
    const again = await reopen();
    expect(await again.asks.getAsk('ask1')).toMatchObject({
      status: 'declined',
      reason: 'No budget',
      answeredAt: 2000,
      answerSeq: 3,
      placedBoard: 'BoardB2',
      shownStatus: 'declined',
    });
    expect((await again.asks.asksFrom('SeriesA')).map((a) => a.id)).toEqual(['ask1']);
    expect((await again.asks.asksTo('SeriesB')).map((a) => a.id)).toEqual(['ask1']);
    expect(await again.asks.asksTo('SeriesA')).toEqual([]);
    await again.asks.forgetBoard('BoardB2');
    await again.asks.forgetBoard('BoardA2');
    expect(await again.asks.getAsk('ask1')).toMatchObject({ placedBoard: null, shownStatus: null, shownBoard: null });
  });

  it('makes an escalation once per challenge and places it once, with its proposals and history', async () => {
    const { stores } = await open();
    await series(stores, 'SeriesA');
    await series(stores, 'SeriesB');
    expect(await stores.asks.createEscalation(escalation())).toBe(true);
    expect(await stores.asks.createEscalation(escalation({ id: 'esc2' }))).toBe(false);
    expect(await stores.asks.placeEscalation('esc1', 'BoardB2')).toBe(true);
    expect(await stores.asks.placeEscalation('esc1', 'BoardB3')).toBe(false);
    expect(await stores.asks.escalationsTo('SeriesB')).toEqual([escalation({ placedBoard: 'BoardB2' })]);
    await stores.asks.forgetBoard('BoardB2');
    expect((await stores.asks.escalationsFrom('SeriesA'))[0].placedBoard).toBeNull();
  });

  it('lists asks and escalations oldest first, those made at the same moment by id; an unknown ask is null', async () => {
    const { stores } = await open();
    await series(stores, 'SeriesA');
    await series(stores, 'SeriesB');
    await stores.asks.createAsk(ask({ id: 'ask-c', fromCard: 'c1', createdAt: 2000 }));
    await stores.asks.createAsk(ask({ id: 'ask-b', fromCard: 'c2', createdAt: 1000 }));
    await stores.asks.createAsk(ask({ id: 'ask-a', fromCard: 'c3', createdAt: 2000 }));
    expect((await stores.asks.asksFrom('SeriesA')).map((a) => a.id)).toEqual(['ask-b', 'ask-a', 'ask-c']);
    expect((await stores.asks.asksTo('SeriesB')).map((a) => a.id)).toEqual(['ask-b', 'ask-a', 'ask-c']);
    await stores.asks.createEscalation(escalation({ id: 'esc-b', fromCard: 'c1' }));
    await stores.asks.createEscalation(escalation({ id: 'esc-a', fromCard: 'c2' }));
    expect((await stores.asks.escalationsFrom('SeriesA')).map((e) => e.id)).toEqual(['esc-a', 'esc-b']);
    expect(await stores.asks.getAsk('unknown')).toBeNull();
  });

  it('an ask or escalation whose id is taken is not stored', async () => {
    const { stores } = await open();
    await series(stores, 'SeriesA');
    await series(stores, 'SeriesB');
    expect(await stores.asks.createAsk(ask())).toBe(true);
    expect(await stores.asks.createAsk(ask({ fromCard: 'other card', what: 'Other' }))).toBe(false);
    expect((await stores.asks.getAsk('ask1'))?.what).toBe('Budget');
    expect(await stores.asks.createEscalation(escalation())).toBe(true);
    expect(await stores.asks.createEscalation(escalation({ fromCard: 'other card' }))).toBe(false);
    expect(await stores.asks.escalationsFrom('SeriesA')).toHaveLength(1);
  });

  it('of two instances asking from one card or placing one ask at once, exactly one does', async () => {
    const { stores, openAgain } = await open();
    await series(stores, 'SeriesA');
    await series(stores, 'SeriesB');
    const other = await openAgain();
    const created = await Promise.all([stores.asks.createAsk(ask({ id: 'ask1' })), other.asks.createAsk(ask({ id: 'ask2' }))]);
    expect(created.filter(Boolean)).toHaveLength(1);
    const id = created[0] ? 'ask1' : 'ask2';
    const placed = await Promise.all([stores.asks.placeAsk(id, 'BoardB2'), other.asks.placeAsk(id, 'BoardB3')]);
    expect(placed.filter(Boolean)).toHaveLength(1);
    expect((await stores.asks.getAsk(id))?.placedBoard).toBe(placed[0] ? 'BoardB2' : 'BoardB3');
  });
});

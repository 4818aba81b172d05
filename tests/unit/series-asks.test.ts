/** What the asking team's next meeting shows of the answers to its requests, and reading a pasted link. */
import { describe, expect, it } from 'vitest';
import type { NewCard } from '../../shared/board-schema.js';
import { parseSeriesLink } from '../../shared/series-asks.js';
import { showAnswers } from '../../server/series/asks.js';
import type { AskRecord } from '../../server/store/ask-store.js';

const ask = (over: Partial<AskRecord>): AskRecord => ({
  id: 'ask1',
  fromSeries: 'A',
  fromBoard: 'a1',
  fromCard: 'root1',
  toSeries: 'B',
  asker: 'Ana',
  addressee: 'Mia',
  what: 'Budget',
  byWhen: '',
  status: 'declined',
  reason: 'No budget',
  createdAt: 1,
  answeredAt: 2,
  answerSeq: 1,
  placedBoard: 'b2',
  shownStatus: null,
  shownBoard: null,
  ...over,
});

describe('showAnswers', () => {
  it('puts the answer on the carried request and adds nothing', () => {
    const carried: NewCard[] = [
      { column: 'needs', asker: 'Ana', addressee: 'Mia', what: 'Budget', status: 'open', askId: 'ask1', team: 'Mgmt', carriedFrom: 'root1' },
    ];
    expect(showAnswers([ask({})], carried, new Map([['B', 'Mgmt']]))).toEqual([]);
    expect(carried[0]).toMatchObject({ status: 'declined', declineReason: 'No budget' });
  });

  it('adds a final answer the team no longer carries, once per call, and leaves an accepted one alone', () => {
    const added = showAnswers(
      [ask({}), ask({ id: 'ask2', status: 'accepted', reason: '' }), ask({ id: 'ask3', status: 'done', reason: '' })],
      [],
      new Map([['B', 'Mgmt']]),
    );
    expect(added).toEqual([
      expect.objectContaining({ askId: 'ask1', status: 'declined', declineReason: 'No budget', team: 'Mgmt', carriedFrom: 'root1' }),
      expect.objectContaining({ askId: 'ask3', status: 'done', team: 'Mgmt' }),
    ]);
  });
});

describe('parseSeriesLink', () => {
  it('reads the id and token of a series or meeting link, and nothing else', () => {
    expect(parseSeriesLink(' https://mesh.example/s/Abc123xyz?token=t0k ')).toEqual({ seriesId: 'Abc123xyz', token: 't0k' });
    expect(parseSeriesLink('/b/Board12345?token=abc')).toEqual({ seriesId: 'Board12345', token: 'abc' });
    expect(parseSeriesLink('https://mesh.example/s/Abc123xyz')).toBeNull();
    expect(parseSeriesLink('https://mesh.example/actions/Abc123xyz?token=x')).toBeNull();
    expect(parseSeriesLink('not a link at all')).toBeNull();
  });
});

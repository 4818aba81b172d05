import { describe, expect, it } from 'vitest';
import type { ActionItem } from '../../shared/action-extraction.js';
import { byDue, groupByOwner, isOverdue, ownersOf, UNASSIGNED } from '../../client/lib/action-list.svelte.js';
import { todayIso } from '../../client/lib/dates.js';

let n = 0;
const item = (over: Partial<ActionItem>): ActionItem => ({
  id: `dec:${++n}`,
  boardId: 'b',
  kind: 'decision',
  cardId: 'c',
  column: 'agenda',
  cardTitle: 'Card',
  decisionId: String(n),
  text: `item ${n}`,
  owners: [],
  due: null,
  dueText: '',
  dueFlag: null,
  status: 'open',
  decidedBy: 'Ana',
  createdAt: n,
  updatedAt: n,
  ...over,
});

describe('the action list views', () => {
  it('sorts by due date with undated items last, then in the order they were decided', () => {
    const a = item({ due: '2026-12-04' });
    const b = item({});
    const c = item({ due: '2026-11-30' });
    const d = item({ due: '2026-12-04' });
    expect([a, b, c, d].sort(byDue).map((i) => i.id)).toEqual([c.id, a.id, d.id, b.id]);
  });

  it('puts a co-owned item under each owner, matches names case-insensitively and lists unassigned items last', () => {
    const both = item({ owners: ['Sam', 'Lee'] });
    const lee = item({ owners: ['lee'], due: '2026-11-01' });
    const nobody = item({});
    const groups = groupByOwner([both, lee, nobody]);
    expect(groups.map((g) => g.owner)).toEqual(['Lee', 'Sam', UNASSIGNED]);
    expect(groups[0].items.map((i) => i.id)).toEqual([lee.id, both.id]);
    expect(ownersOf([both, lee])).toEqual(['Lee', 'Sam']);
  });

  it('calls only open items due before today overdue', () => {
    expect(isOverdue(item({ due: '2026-11-23' }), '2026-11-24')).toBe(true);
    expect(isOverdue(item({ due: '2026-11-24' }), '2026-11-24')).toBe(false);
    expect(isOverdue(item({ due: '2026-11-23', status: 'done' }), '2026-11-24')).toBe(false);
    expect(isOverdue(item({}), '2026-11-24')).toBe(false);
  });

  it('reads today in local time', () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
  });
});

/** The webhook store contract: every WebhookStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import type { WebhookRecord } from '../../server/store/webhook-store.js';
import { addSeries, ENGINES, storesOn } from './engines.js';

const hook = (id: string, seriesId: string, createdAt: number): WebhookRecord => ({
  id,
  seriesId,
  url: `https://hooks.example.org/${id}`,
  format: 'slack',
  events: ['meeting.ended', 'request.made'],
  secret: `whsec_${id}`,
  createdAt,
});

describe.each(ENGINES)('$name webhook store', (engine) => {
  const open = storesOn(engine);

  it('keeps endpoints per series, oldest first, with every field, across a reopen', async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'series-a');
    await addSeries(stores, 'series-b');
    expect(await stores.webhooks.add(hook('wh_2', 'series-a', 20), 10)).toBe(true);
    expect(await stores.webhooks.add(hook('wh_1', 'series-a', 10), 10)).toBe(true);
    expect(await stores.webhooks.add(hook('wh_3', 'series-b', 5), 10)).toBe(true);
    const again = await reopen();
    expect(await again.webhooks.list('series-a')).toEqual([hook('wh_1', 'series-a', 10), hook('wh_2', 'series-a', 20)]);
    expect(await again.webhooks.get('wh_3')).toEqual(hook('wh_3', 'series-b', 5));
    expect(await again.webhooks.get('nope')).toBeNull();
  });

  it('refuses an endpoint past the maximum of its series, and removes only within the series', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    await addSeries(stores, 'series-b');
    expect(await stores.webhooks.add(hook('wh_1', 'series-a', 1), 2)).toBe(true);
    expect(await stores.webhooks.add(hook('wh_2', 'series-a', 2), 2)).toBe(true);
    expect(await stores.webhooks.add(hook('wh_3', 'series-a', 3), 2)).toBe(false);
    expect(await stores.webhooks.add(hook('wh_4', 'series-b', 4), 2)).toBe(true);
    expect(await stores.webhooks.remove('series-b', 'wh_1')).toBe(false);
    expect(await stores.webhooks.remove('series-a', 'wh_1')).toBe(true);
    expect(await stores.webhooks.remove('series-a', 'wh_1')).toBe(false);
    expect((await stores.webhooks.list('series-a')).map((h) => h.id)).toEqual(['wh_2']);
  });

  it('lists endpoints made at the same time in the order they were added', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    for (const id of ['wh_c', 'wh_a', 'wh_b']) await stores.webhooks.add(hook(id, 'series-a', 7), 10);
    expect((await stores.webhooks.list('series-a')).map((h) => h.id)).toEqual(['wh_c', 'wh_a', 'wh_b']);
  });

  it('names the series with an endpoint that wants an event type, each once', async () => {
    const { stores } = await open();
    for (const id of ['series-b', 'series-a', 'series-c']) await addSeries(stores, id);
    await stores.webhooks.add({ ...hook('wh_1', 'series-b', 1), events: ['meeting.ended'] }, 10);
    await stores.webhooks.add({ ...hook('wh_2', 'series-b', 2), events: ['meeting.ended', 'action_item.overdue'] }, 10);
    await stores.webhooks.add({ ...hook('wh_3', 'series-a', 3), events: ['action_item.overdue'] }, 10);
    await stores.webhooks.add({ ...hook('wh_4', 'series-c', 4), events: ['request.made'] }, 10);
    expect((await stores.webhooks.seriesWanting('action_item.overdue')).sort()).toEqual(['series-a', 'series-b']);
    expect(await stores.webhooks.seriesWanting('meeting.ended')).toEqual(['series-b']);
    expect(await stores.webhooks.seriesWanting('action_item.done')).toEqual([]);
  });

  it('of two instances adding the last endpoint allowed at once, only one adds it', async () => {
    const { stores, openAgain } = await open();
    const other = await openAgain();
    for (let i = 0; i < 10; i++) {
      const series = `series-${i}`;
      await addSeries(stores, series);
      await stores.webhooks.add(hook(`wh_${i}_0`, series, 1), 2);
      const added = await Promise.all([stores.webhooks.add(hook(`wh_${i}_a`, series, 2), 2), other.webhooks.add(hook(`wh_${i}_b`, series, 2), 2)]);
      expect(added.filter(Boolean)).toHaveLength(1);
      expect(await stores.webhooks.list(series)).toHaveLength(2);
    }
  });
});

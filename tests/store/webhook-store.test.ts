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
});

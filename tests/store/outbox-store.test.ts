/** The outbox and contact store contracts: every implementation passes these suites (engines.ts). */
import { describe, expect, it } from 'vitest';
import type { NewOutboxRecord } from '../../server/store/outbox-store.js';
import { addSeries, ENGINES, storesOn } from './engines.js';

const message = (id: string, key: string, at: number, over: Partial<NewOutboxRecord> = {}): NewOutboxRecord => ({
  id,
  key,
  channel: 'email',
  seriesId: 'series-a',
  kind: 'summary',
  recipient: 'ana@example.org',
  subject: `Subject ${id}`,
  payload: { to: 'ana@example.org', text: `Body ${id}`, nested: { n: 1 } },
  nextAttemptAt: at,
  createdAt: at,
  ...over,
});

describe.each(ENGINES)('$name outbox store', (engine) => {
  const open = storesOn(engine);

  it('stores a message once per key, hands out the due ones oldest first, and keeps them across a reopen', async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'series-a');
    expect(await stores.outbox.add(message('m1', 'k1', 100))).toBe(true);
    expect(await stores.outbox.add(message('m2', 'k1', 50))).toBe(false);
    expect(await stores.outbox.add(message('m3', 'k3', 300))).toBe(true);
    expect(await stores.outbox.add(message('m4', 'k4', 200, { channel: 'webhook', recipient: 'wh_1' }))).toBe(true);
    const again = await reopen();
    expect((await again.outbox.due(250, 10)).map((m) => m.id)).toEqual(['m1', 'm4']);
    expect(await again.outbox.nextDue(['email'])).toBe(100);
    expect(await again.outbox.nextDue(['webhook'])).toBe(200);
    expect(await again.outbox.nextDue([])).toBeNull();
    expect(await again.outbox.get('m1')).toMatchObject({ key: 'k1', status: 'pending', attempts: 0, payload: { nested: { n: 1 } }, sentAt: null });
    expect((await again.outbox.byKey('k3'))?.id).toBe('m3');
  });

  it('records attempts: a retry moves the time, giving up fails it, a success marks it sent; resend and cancel', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    await stores.outbox.add(message('m1', 'k1', 100));
    await stores.outbox.markAttemptFailed('m1', '451 try later', 500);
    expect(await stores.outbox.get('m1')).toMatchObject({ status: 'pending', attempts: 1, lastError: '451 try later', nextAttemptAt: 500 });
    // Once tried, its content is what was tried: a later replacement does not change it.
    expect(await stores.outbox.replacePending('k1', { subject: 'new', payload: {}, nextAttemptAt: 1 })).toBe(false);
    await stores.outbox.markAttemptFailed('m1', '550 no such user', null);
    expect(await stores.outbox.get('m1')).toMatchObject({ status: 'failed', attempts: 2, lastError: '550 no such user' });
    expect(await stores.outbox.due(10_000, 10)).toEqual([]);
    expect(await stores.outbox.resend('m1', 900)).toBe(true);
    await stores.outbox.markSent('m1', 950, '250 OK');
    expect(await stores.outbox.get('m1')).toMatchObject({ status: 'sent', attempts: 3, sentAt: 950, response: '250 OK', lastError: null });

    await stores.outbox.add(message('m2', 'k2', 100));
    expect(await stores.outbox.replacePending('k2', { subject: 'Edited', payload: { v: 2 }, nextAttemptAt: 700 })).toBe(true);
    expect(await stores.outbox.get('m2')).toMatchObject({ subject: 'Edited', payload: { v: 2 }, nextAttemptAt: 700 });
    expect(await stores.outbox.cancelPending('k2')).toBe(true);
    expect(await stores.outbox.cancelPending('k2')).toBe(false);
    expect((await stores.outbox.get('m2'))?.status).toBe('cancelled');
  });

  it('lists a series newest first, forgets an address everywhere, and prunes what is done and old', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    await addSeries(stores, 'series-b');
    await stores.outbox.add(message('m1', 'k1', 100));
    await stores.outbox.add(message('m2', 'k2', 200));
    await stores.outbox.add(message('m3', 'k3', 300, { seriesId: 'series-b', recipient: 'bo@example.org' }));
    await stores.outbox.markSent('m1', 150, 'ok');
    expect((await stores.outbox.list('series-a', 10)).map((m) => m.id)).toEqual(['m2', 'm1']);
    await stores.outbox.add(message('w1', 'kw1', 400, { channel: 'webhook', recipient: 'wh_1' }));
    await stores.outbox.add(message('w2', 'kw2', 500, { channel: 'webhook', recipient: 'wh_1' }));
    await stores.outbox.markSent('w1', 450, 'HTTP 200');
    expect((await stores.outbox.listTo('series-a', 'wh_1', 10)).map((m) => m.id)).toEqual(['w2', 'w1']);
    expect(await stores.outbox.listTo('series-b', 'wh_1', 10)).toEqual([]);
    expect(await stores.outbox.cancelPendingTo('wh_1')).toBe(1);
    expect((await stores.outbox.get('w1'))?.status).toBe('sent');
    expect((await stores.outbox.get('w2'))?.status).toBe('cancelled');

    expect(await stores.outbox.forgetRecipient('ana@example.org')).toBe(2);
    expect(await stores.outbox.get('m1')).toMatchObject({ status: 'sent', recipient: '(removed)', payload: {} });
    expect(await stores.outbox.get('m2')).toMatchObject({ status: 'cancelled', recipient: '(removed)' });
    expect((await stores.outbox.get('m3'))?.recipient).toBe('bo@example.org');

    expect(await stores.outbox.prune(250)).toBe(2);
    expect(await stores.outbox.get('m3')).not.toBeNull();
  });
  it('counts pending messages by channel, and breaks ties of equal times by the order they were added', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    expect(await stores.outbox.pendingByChannel()).toEqual({});
    for (const id of ['m-c', 'm-a', 'm-b']) await stores.outbox.add(message(id, `k-${id}`, 100));
    await stores.outbox.add(message('w1', 'kw1', 100, { channel: 'webhook', recipient: 'wh_1' }));
    await stores.outbox.add(message('m-early', 'k-early', 50, { createdAt: 100 }));
    await stores.outbox.add(message('m-sent', 'k-sent', 10));
    await stores.outbox.markSent('m-sent', 20, 'ok');
    expect(await stores.outbox.pendingByChannel()).toEqual({ email: 4, webhook: 1 });
    expect((await stores.outbox.due(100, 10)).map((m) => m.id)).toEqual(['m-early', 'm-c', 'm-a', 'm-b', 'w1']);
    expect((await stores.outbox.due(100, 2)).map((m) => m.id)).toEqual(['m-early', 'm-c']);
    expect((await stores.outbox.list('series-a', 10)).map((m) => m.id)).toEqual(['m-early', 'w1', 'm-b', 'm-a', 'm-c', 'm-sent']);
    expect((await stores.outbox.list('series-a', 2)).map((m) => m.id)).toEqual(['m-early', 'w1']);
  });

  it('an outside server answering with a NUL character does not keep its attempt from being recorded', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    await stores.outbox.add(message('m1', 'k1', 100));
    await stores.outbox.add(message('m2', 'k2', 100));
    await stores.outbox.markAttemptFailed('m1', 'bad\0reply', null);
    await stores.outbox.markSent('m2', 150, '250\0OK');
    expect(await stores.outbox.get('m1')).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await stores.outbox.get('m1'))?.lastError).toMatch(/^bad.reply$/);
    expect(await stores.outbox.get('m2')).toMatchObject({ status: 'sent', sentAt: 150 });
    expect((await stores.outbox.get('m2'))?.response).toMatch(/^250.OK$/);
  });

  it('of two instances adding the same message at once, exactly one stores it', async () => {
    const { stores, openAgain } = await open();
    const other = await openAgain();
    await addSeries(stores, 'series-a');
    for (let i = 0; i < 10; i++) {
      const added = await Promise.all([stores.outbox.add(message(`a${i}`, `k${i}`, 100)), other.outbox.add(message(`b${i}`, `k${i}`, 100))]);
      expect(added.filter(Boolean)).toHaveLength(1);
    }
    expect(await stores.outbox.pendingByChannel()).toEqual({ email: 10 });
  });
});

describe.each(ENGINES)('$name contact store', (engine) => {
  const open = storesOn(engine);

  it('keeps one address per person and series, confirmed only for that address, case-insensitive names', async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'series-a');
    await addSeries(stores, 'series-b');
    expect(await stores.contacts.set('series-a', 'Ana', 'ana@example.org', 'de', 10)).toMatchObject({ name: 'Ana', confirmedAt: null, lang: 'de' });
    expect(await stores.contacts.confirm('series-a', 'ana', 'other@example.org', 20)).toBe(false);
    expect(await stores.contacts.confirm('series-a', 'ANA', 'ANA@example.org', 20)).toBe(true);
    // The same address again keeps its confirmation; a new one starts over.
    expect((await stores.contacts.set('series-a', 'ana', 'ana@example.org', 'en', 30)).confirmedAt).toBe(20);
    await stores.contacts.set('series-b', 'Ana', 'ana@example.org', 'en', 30);
    const again = await reopen();
    expect(await again.contacts.get('series-a', 'ANA')).toEqual({
      seriesId: 'series-a',
      name: 'ana',
      address: 'ana@example.org',
      lang: 'en',
      confirmedAt: 20,
      createdAt: 10,
    });
    expect(await again.contacts.get('series-a', 'Bo')).toBeNull();
    expect((await again.contacts.confirmed('series-a')).map((c) => [c.name, c.lang])).toEqual([['ana', 'en']]);
    expect(await again.contacts.confirmed('series-b')).toEqual([]);
    expect(await again.contacts.seriesWithConfirmed()).toEqual(['series-a']);
    expect((await again.contacts.set('series-a', 'Ana', 'new@example.org', 'en', 40)).confirmedAt).toBeNull();
    expect(await again.contacts.remove('series-a', 'ana')).toBe('new@example.org');
    expect(await again.contacts.remove('series-a', 'ana')).toBeNull();
    expect(await again.contacts.inUse('ANA@example.org')).toBe(true);
    expect(await again.contacts.inUse('new@example.org')).toBe(false);
  });

  it('keeps the kinds an address turned off, by the address in any case, without storing the address itself', async () => {
    const { stores } = await open();
    await stores.contacts.setKind('Ana@Example.org', 'reminder', false, 1);
    await stores.contacts.setKind('ana@example.org', 'digest', false, 1);
    expect([...(await stores.contacts.offKinds('ANA@EXAMPLE.ORG'))].sort()).toEqual(['digest', 'reminder']);
    await stores.contacts.setKind('ana@example.org', 'reminder', true, 2);
    expect([...(await stores.contacts.offKinds('ana@example.org'))]).toEqual(['digest']);
    expect(await stores.contacts.offKinds('bo@example.org')).toEqual(new Set());
  });
});

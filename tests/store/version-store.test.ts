/**
 * The version store contract: every VersionStore implementation passes this suite (engines.ts).
 */
import { describe, expect, it } from 'vitest';
import { SERVER_AUTHOR, VersionQuotaError } from '../../server/store/version-store.js';
import { addBoard, ENGINES, storesOn } from './engines.js';

const data = (n: number, size = 4) => new Uint8Array(size).fill(n);

describe.each(ENGINES)('$name version store', (engine) => {
  const open = storesOn(engine);

  it('saves versions and reads them back after reopening: newest first in lists, oldest first with documents', async () => {
    const { stores, reopen } = await open();
    await addBoard(stores, 'b');
    const first = await stores.versions.save('b', { name: 'Kick-off', by: 'Ana', data: data(1), createdAt: 10 });
    // Same millisecond: the one saved later still counts as newer.
    const second = await stores.versions.save('b', { name: 'Before restore', by: 'Bo', data: data(2), createdAt: 20 });
    const third = await stores.versions.save('b', { name: 'Restored', by: 'Bo', data: data(3), createdAt: 20 });
    expect(first).toEqual({ id: expect.any(String), name: 'Kick-off', by: 'Ana', createdAt: 10 });
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
    const again = await reopen();
    expect(await again.versions.list('b')).toEqual([third, second, first]);
    expect(await again.versions.get('b', second.id)).toEqual({ ...second, data: data(2) });
    expect(await again.versions.get('other', second.id)).toBeNull();
    expect(await again.versions.all('b')).toEqual([
      { ...first, data: data(1) },
      { ...second, data: data(2) },
      { ...third, data: data(3) },
    ]);
  });

  it('searches names by substring, taking % and _ literally, newest first and at most the limit', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    for (const [i, name] of ['Q1 plan', 'q1 PLAN final', '100% done', '1000 done', 'a_b', 'axb'].entries()) {
      await stores.versions.save('b', { name, by: 'Ana', data: data(i), createdAt: i });
    }
    const names = async (q: string, limit = 10) => (await stores.versions.search('b', q, limit)).map((v) => v.name);
    expect(await names('q1 plan')).toEqual(['q1 PLAN final', 'Q1 plan']);
    expect(await names('q1 plan', 1)).toEqual(['q1 PLAN final']);
    expect(await names('0%')).toEqual(['100% done']);
    expect(await names('_')).toEqual(['a_b']);
  });

  it('past the quota the oldest automatic versions make room; versions saved by hand are never dropped', async () => {
    const { stores } = await open({ versionQuota: { maxCount: 3, maxBytes: 1_000 } });
    await addBoard(stores, 'b');
    const save = (name: string, by: string, createdAt: number, size = 4) => stores.versions.save('b', { name, by, data: data(createdAt, size), createdAt });
    await save('auto 1', SERVER_AUTHOR, 1);
    await save('mine 1', 'Ana', 2);
    await save('auto 2', SERVER_AUTHOR, 3);
    await save('mine 2', 'Ana', 4);
    expect((await stores.versions.list('b')).map((v) => v.name)).toEqual(['mine 2', 'auto 2', 'mine 1']);
    await save('mine 3', 'Ana', 5);
    expect((await stores.versions.list('b')).map((v) => v.name)).toEqual(['mine 3', 'mine 2', 'mine 1']);
  });

  it('the quota counts bytes as well as versions', async () => {
    const { stores } = await open({ versionQuota: { maxCount: 10, maxBytes: 20 } });
    await addBoard(stores, 'b');
    await stores.versions.save('b', { name: 'auto 1', by: SERVER_AUTHOR, data: data(1, 8), createdAt: 1 });
    await stores.versions.save('b', { name: 'mine', by: 'Ana', data: data(2, 8), createdAt: 2 });
    await stores.versions.save('b', { name: 'auto 2', by: SERVER_AUTHOR, data: data(3, 8), createdAt: 3 });
    expect((await stores.versions.list('b')).map((v) => v.name)).toEqual(['auto 2', 'mine']);
  });

  it('a save over the quota with only hand-saved versions left stores nothing and throws VersionQuotaError', async () => {
    const { stores } = await open({ versionQuota: { maxCount: 2, maxBytes: 1_000 } });
    await addBoard(stores, 'b');
    await stores.versions.save('b', { name: 'one', by: 'Ana', data: data(1), createdAt: 1 });
    await stores.versions.save('b', { name: 'two', by: 'Ana', data: data(2), createdAt: 2 });
    await expect(stores.versions.save('b', { name: 'three', by: 'Ana', data: data(3), createdAt: 3 })).rejects.toThrow(VersionQuotaError);
    expect((await stores.versions.list('b')).map((v) => v.name)).toEqual(['two', 'one']);
  });

  it('versions go with their board', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.versions.save('b', { name: 'v', by: 'Ana', data: data(1), createdAt: 1 });
    await stores.boards.deleteBoard('b');
    expect(await stores.versions.all('b')).toEqual([]);
  });
});

/** The token store contract: every TokenStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import { newToken } from '../../server/auth/tokens.js';
import { addBoard, ENGINES, storesOn } from './engines.js';

describe.each(ENGINES)('$name token store', (engine) => {
  const open = storesOn(engine);

  it('issues one distinct token per role, each resolving to its role on its board only, after reopening', async () => {
    const { stores, reopen } = await open();
    await addBoard(stores, 'a');
    await addBoard(stores, 'b');
    const tokens = await stores.tokens.issue('a');
    await stores.tokens.issue('b');
    expect(new Set(Object.values(tokens)).size).toBe(3);
    const again = await reopen();
    for (const role of ['viewer', 'participant', 'facilitator'] as const) {
      expect(await again.tokens.resolve('a', tokens[role])).toBe(role);
      expect(await again.tokens.resolve('b', tokens[role])).toBeNull();
    }
    expect(await again.tokens.resolve('a', newToken())).toBeNull();
    expect(await again.tokens.resolve('a', 'not a token')).toBeNull();
  });

  it('a rotated link works at once and the old one stops, leaving the other roles alone', async () => {
    const { stores, reopen } = await open();
    await addBoard(stores, 'b');
    const tokens = await stores.tokens.issue('b');
    const fresh = await stores.tokens.rotate('b', 'participant');
    expect(await stores.tokens.resolve('b', fresh)).toBe('participant');
    expect(await stores.tokens.resolve('b', tokens.participant)).toBeNull();
    const again = await reopen();
    expect(await again.tokens.resolve('b', fresh)).toBe('participant');
    expect(await again.tokens.resolve('b', tokens.participant)).toBeNull();
    expect(await again.tokens.resolve('b', tokens.facilitator)).toBe('facilitator');
    expect(await again.tokens.resolve('b', tokens.viewer)).toBe('viewer');
  });

  it('tokens go with their board', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    const tokens = await stores.tokens.issue('b');
    await stores.boards.deleteBoard('b');
    expect(await stores.tokens.resolve('b', tokens.facilitator)).toBeNull();
  });
});

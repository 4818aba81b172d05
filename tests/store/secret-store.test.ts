/** The secret store contract: every SecretStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import { ENGINES, storesOn } from './engines.js';

describe.each(ENGINES)('$name secret store', (engine) => {
  const open = storesOn(engine);

  it('makes a 32-byte secret per name on first use and gives the same one back after reopening', async () => {
    const { stores, reopen } = await open();
    const seats = await stores.secrets.secret('meeting-seats');
    const other = await stores.secrets.secret('other');
    expect(seats.length).toBe(32);
    expect(seats.equals(other)).toBe(false);
    expect((await stores.secrets.secret('meeting-seats')).equals(seats)).toBe(true);
    const again = await reopen();
    expect((await again.secrets.secret('meeting-seats')).equals(seats)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness';
import { awarenessUpdate } from '../helpers/frames.js';
import { MAX_CLIENT_IDS, MAX_STATE_BYTES, PresenceGate, type PresenceOwner } from '../../server/sync/presence-gate.js';

const SERVER_ID = 1;

/** An awareness update, one `[clientId, clock, state JSON text]` per entry. */
const update = (...entries: Array<[number, number, string]>) => awarenessUpdate(entries);
const person = (name: string) => JSON.stringify({ user: { name, color: '#175cd3' }, editing: null });
const owner = (): PresenceOwner => ({ awarenessClients: new Set() });

/** What a y-protocols Awareness makes of the admitted update: the states it would hold, by client id. */
function applied(admitted: { update: Uint8Array } | null): Map<number, unknown> {
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalState(null);
  if (admitted) applyAwarenessUpdate(awareness, admitted.update, null);
  return awareness.getStates();
}

describe('the presence gate', () => {
  it('passes a valid state through unchanged, as an update y-protocols applies', () => {
    const gate = new PresenceGate(SERVER_ID);
    const a = owner();
    const admitted = gate.admit(a, update([10, 3, person('Ana')]));
    expect(admitted?.clients).toEqual([10]);
    expect(applied(admitted)).toEqual(new Map([[10, { user: { name: 'Ana', color: '#175cd3' }, editing: null }]]));
    expect([...a.awarenessClients]).toEqual([10]);
  });

  it("keeps a client id for the connection that published it: others' entries for it are dropped, until it closes", () => {
    const gate = new PresenceGate(SERVER_ID);
    const [a, b] = [owner(), owner()];
    gate.admit(a, update([10, 1, person('Ana')]));
    expect(gate.admit(b, update([10, 2, person('Mallory')]))).toBeNull();
    expect(gate.admit(b, update([10, 2, 'null']))).toBeNull();
    // An echo of Ana next to b's own state: only b's own passes.
    expect(gate.admit(b, update([10, 1, person('Ana')], [20, 1, person('Bo')]))?.clients).toEqual([20]);
    gate.release(a);
    expect(gate.admit(b, update([10, 5, person('Ana again')]))?.clients).toEqual([10]);
  });

  it('frees a client id its owner removes, and a removal of an id nobody owns is dropped', () => {
    const gate = new PresenceGate(SERVER_ID);
    const [a, b] = [owner(), owner()];
    gate.admit(a, update([10, 1, person('Ana')]));
    expect(gate.admit(a, update([10, 2, 'null']))?.clients).toEqual([10]);
    expect(a.awarenessClients.size).toBe(0);
    expect(gate.admit(b, update([10, 2, 'null']))).toBeNull();
    expect(gate.admit(b, update([10, 3, person('Bo')]))?.clients).toEqual([10]);
  });

  it(`lets a connection take at most ${MAX_CLIENT_IDS} distinct client ids over its life; a frame taking more takes none`, () => {
    const gate = new PresenceGate(SERVER_ID);
    const a = owner();
    const many = Array.from({ length: MAX_CLIENT_IDS + 1 }, (_, i): [number, number, string] => [100 + i, 1, person(`P${i}`)]);
    expect(gate.admit(a, update(...many))).toBeNull();
    for (let i = 0; i < MAX_CLIENT_IDS; i++) expect(gate.admit(a, update([100 + i, 1, person(`P${i}`)]))).not.toBeNull();
    // Removing one and publishing it again costs nothing; a new one is refused.
    gate.admit(a, update([100, 2, 'null']));
    expect(gate.admit(a, update([100, 3, person('P0')]))?.clients).toEqual([100]);
    expect(gate.admit(a, update([999, 1, person('One too many')]))).toBeNull();
    // Ids it already holds still update within a refused frame's company.
    expect(gate.admit(a, update([101, 2, person('P1 renamed')], [998, 1, person('Nope')]))?.clients).toEqual([101]);
  });

  it('drops states that are too large, not JSON, not UTF-8 or not presence, and the server’s own id', () => {
    const gate = new PresenceGate(SERVER_ID);
    const a = owner();
    const big = JSON.stringify({ user: { name: 'Big', color: '#175cd3' }, pad: 'x'.repeat(MAX_STATE_BYTES) });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 30);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])); // "{", invalid UTF-8, "}"
    expect(gate.admit(a, encoding.toUint8Array(e))).toBeNull();
    for (const state of [big, '{"user":', '"a string"', '42', '{"user":{"name":"x","color":"blue"}}', '{"editing":"c1"}']) {
      expect(gate.admit(a, update([40, 1, state]))).toBeNull();
    }
    expect(gate.admit(a, update([SERVER_ID, 1, person('Server?')]))).toBeNull();
    expect(a.awarenessClients.size).toBe(0);
  });

  it('throws on an update that cannot be decoded', () => {
    const gate = new PresenceGate(SERVER_ID);
    const full = update([10, 1, person('Ana')]);
    expect(() => gate.admit(owner(), full.subarray(0, full.length - 3))).toThrow();
    expect(() => gate.admit(owner(), new Uint8Array([200]))).toThrow();
  });

  it('a removal y-protocols skips (its clock is behind) leaves the state its owner’s, to go when the owner closes', () => {
    const gate = new PresenceGate(SERVER_ID);
    const a = owner();
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState(null);
    const admitted = gate.admit(a, update([10, 5, person('Ana')], [10, 3, 'null']))!;
    applyAwarenessUpdate(awareness, admitted.update, null);
    gate.settle(a, admitted.clients, (id) => awareness.states.has(id));
    expect(awareness.states.has(10)).toBe(true);
    expect([...a.awarenessClients]).toEqual([10]);
    // Still Ana's: another connection cannot take it over.
    expect(gate.admit(owner(), update([10, 9, person('Mallory')]))).toBeNull();
  });
});

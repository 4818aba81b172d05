/**
 * What a connection may publish as presence (awareness) on a board. y-protocols applies whatever an
 * awareness update says, for any client id, of any size and shape; relayed as is, one connection could
 * publish thousands of people, overwrite or remove someone else's presence, or fan megabytes out to every
 * peer. The gate decodes each update itself (y-protocols' format: varUint count, then per entry varUint
 * client id, varUint clock, varString JSON state) and lets through only the entries the connection may
 * write, re-encoded, for the caller to apply:
 *
 * - A client id belongs to the first live connection that published a valid state for it, until that
 *   connection closes or removes it itself; other connections cannot change or remove it. Their entries
 *   for it are dropped silently: y-websocket clients echo every presence change they receive, so an honest
 *   frame often holds other people's ids (as many as the board has people — why entries are not counted
 *   per frame).
 * - A connection takes at most `MAX_CLIENT_IDS` distinct client ids over its life (a y-websocket client
 *   publishes one; a few spare for tabs relaying each other over BroadcastChannel). A frame that would
 *   take more takes none.
 * - A state must be valid UTF-8 JSON of at most `MAX_STATE_BYTES` and match `PresenceState`, or be null
 *   (the client leaves); anything else is dropped. A removal of an id the connection does not own is
 *   dropped too: it is an echo of another client's removal, and applying it would only leave a clock
 *   behind.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PresenceState } from '../../shared/presence.js';

/** Client ids one connection may take over its life. */
export const MAX_CLIENT_IDS = 4;
/** Largest presence state, in bytes of JSON: a name, a colour and a card id fit many times over. */
export const MAX_STATE_BYTES = 2048;

/** A connection, as the gate sees it: the client ids it owns now (the gate adds and removes them). */
export interface PresenceOwner {
  readonly awarenessClients: Set<number>;
}

interface Entry {
  clientId: number;
  clock: number;
  /** The state's JSON, as sent (UTF-8). */
  state: Uint8Array;
}

/** Admitted entries, re-encoded as an awareness update, and their client ids. */
export interface Admitted {
  update: Uint8Array;
  clients: number[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One board's presence ownership. */
export class PresenceGate {
  readonly #owners = new Map<number, PresenceOwner>();
  /** Every client id each connection has taken, for its allowance (a re-taken id does not count twice). */
  readonly #taken = new WeakMap<PresenceOwner, Set<number>>();

  /** `serverClientId`: the board's own awareness id, which no client may take. */
  constructor(private readonly serverClientId: number) {}

  /**
   * The entries of `update` that `owner` may write, or null when none; the caller applies them at once.
   * Takes the client ids `owner` newly publishes and frees those it removes. Throws on an update that
   * cannot be decoded (the caller closes the connection).
   */
  admit(owner: PresenceOwner, update: Uint8Array): Admitted | null {
    let accepted: Entry[] = [];
    const claims = new Set<number>();
    /** Per accepted client id, whether its last entry in this frame removes it. */
    const removes = new Map<number, boolean>();
    for (const entry of decodeEntries(update)) {
      const id = entry.clientId;
      const current = this.#owners.get(id);
      if ((current && current !== owner) || id === this.serverClientId) continue;
      const state = readState(entry.state);
      if (state === undefined) continue;
      if (!current && !claims.has(id)) {
        if (state === null) continue;
        claims.add(id);
      }
      accepted.push(entry);
      removes.set(id, state === null);
    }
    const taken = this.#taken.get(owner) ?? new Set<number>();
    const fresh = [...claims].filter((id) => !taken.has(id));
    if (taken.size + fresh.length > MAX_CLIENT_IDS) {
      accepted = accepted.filter((e) => !claims.has(e.clientId));
      claims.clear();
    }
    if (accepted.length === 0) return null;
    for (const id of claims) taken.add(id);
    this.#taken.set(owner, taken);
    for (const [id, removed] of removes) {
      if (!claims.has(id) && this.#owners.get(id) !== owner) continue; // a claim past the allowance
      if (removed) {
        // Its owner took it down: free, so that an echo racing the removal cannot lock it out for good.
        this.#owners.delete(id);
        owner.awarenessClients.delete(id);
      } else {
        this.#owners.set(id, owner);
        owner.awarenessClients.add(id);
      }
    }
    return { update: encodeEntries(accepted), clients: accepted.map((e) => e.clientId) };
  }

  /**
   * After `owner`'s admitted entries were applied: ownership follows what presence now holds. y-protocols
   * skips an entry whose clock is behind the one it knows (a removal sent with an old clock leaves the state
   * in place), so a state that stayed stays `owner`'s — and goes when `owner` closes — and an id whose state
   * did not land is not kept.
   */
  settle(owner: PresenceOwner, clients: readonly number[], present: (id: number) => boolean): void {
    for (const id of new Set(clients)) {
      const current = this.#owners.get(id);
      if (current && current !== owner) continue;
      if (present(id)) {
        this.#owners.set(id, owner);
        owner.awarenessClients.add(id);
      } else {
        this.#owners.delete(id);
        owner.awarenessClients.delete(id);
      }
    }
  }

  /** The connection closed: its client ids are free again (a reconnecting tab keeps its id). */
  release(owner: PresenceOwner): void {
    for (const id of owner.awarenessClients) if (this.#owners.get(id) === owner) this.#owners.delete(id);
  }
}

function decodeEntries(update: Uint8Array): Entry[] {
  const d = decoding.createDecoder(update);
  const entries: Entry[] = [];
  // Each entry takes at least three bytes, so a bogus count ends at the end of the frame, not in a long loop.
  for (let n = decoding.readVarUint(d); n > 0; n--) {
    const clientId = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    entries.push({ clientId, clock, state: decoding.readVarUint8Array(d) });
  }
  return entries;
}

function encodeEntries(entries: Entry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(e, entry.clientId);
    encoding.writeVarUint(e, entry.clock);
    encoding.writeVarUint8Array(e, entry.state);
  }
  return encoding.toUint8Array(e);
}

/** The state if it may be published, null for a removal, undefined to drop the entry. */
function readState(raw: Uint8Array): PresenceState | null | undefined {
  if (raw.byteLength > MAX_STATE_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(raw));
  } catch {
    return undefined;
  }
  if (json === null) return null;
  const parsed = PresenceState.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

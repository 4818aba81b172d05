/** y-websocket frames written by hand, for tests that must send what no well-behaved client would. */
import * as encoding from 'lib0/encoding';

/** An awareness update, one `[clientId, clock, state JSON text]` per entry (y-protocols' format). */
export function awarenessUpdate(entries: ReadonlyArray<readonly [number, number, string]>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const [id, clock, state] of entries) {
    encoding.writeVarUint(e, id);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, state);
  }
  return encoding.toUint8Array(e);
}

/** A whole awareness frame (message type 1) carrying `awarenessUpdate(entries)`. */
export function awarenessFrame(entries: ReadonlyArray<readonly [number, number, string]>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, awarenessUpdate(entries));
  return encoding.toUint8Array(e);
}

/** A sync frame (message type 0): step 0 (step 1 of the protocol: a state vector), 1 (step 2) or 2 (update). */
export function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/**
 * The two y-websocket frames the board needs to ask the server "have you stored what I sent?": a sync
 * step 1 of our own, and recognising the step 2 that answers it. The server handles a connection's frames
 * in order and answers a step 1 only with stored state, so that answer arrives after everything we sent
 * before it is on disk (see server/sync/sync-connection.ts).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

/** y-websocket's outer message type for sync frames. */
const MESSAGE_SYNC = 0;

export function syncStep1Frame(doc: Y.Doc): Uint8Array<ArrayBuffer> {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(e, doc);
  return new Uint8Array(encoding.toUint8Array(e));
}

export function isSyncStep2(frame: Uint8Array): boolean {
  try {
    const d = decoding.createDecoder(frame);
    return decoding.readVarUint(d) === MESSAGE_SYNC && decoding.readVarUint(d) === syncProtocol.messageYjsSyncStep2;
  } catch {
    return false;
  }
}

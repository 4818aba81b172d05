/** Real y-websocket clients (the stock `WebsocketProvider`) for Node tests, and waiting helpers. */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';

export interface YClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** Connects to a board with a role's token (the participant's unless given). */
export function connect(wsUrl: string, board: { id: string; tokens: { participant: string } }, token = board.tokens.participant, doc = new Y.Doc()): YClient {
  const provider = new WebsocketProvider(`${wsUrl}/yjs`, board.id, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Resolves when `cond()` holds, polling on a short interval; rejects with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const synced = (c: YClient) => waitFor(() => c.provider.synced, 'client synced');

/**
 * The relay writes shared, pre-framed bytes straight to each websocket's TCP socket, using two ws internals
 * (`Sender.frame` and `_socket`). This proves, for the ws version the lockfile pins, that those bytes are
 * exactly what `ws.send` would have written, and that without the internals a batch still arrives, via `ws.send`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import crypto from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { OutgoingBatch } from '../../server/sync/outgoing-batch.js';

let wss: WebSocketServer | null = null;
const sockets: net.Socket[] = [];
/** Closes the server and its connections (its HTTP server would otherwise wait for them to end). */
async function stop(): Promise<void> {
  for (const s of sockets) s.destroy();
  sockets.length = 0;
  if (wss) for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
  wss = null;
}
afterEach(stop);

/** A raw TCP client that does the websocket handshake by hand and collects every byte the server sends after it. */
async function rawClient(): Promise<{ server: WebSocket; received: () => Buffer }> {
  wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => wss!.once('listening', () => r()));
  const port = (wss.address() as net.AddressInfo).port;
  const serverSide = new Promise<WebSocket>((r) => wss!.once('connection', r));
  const tcp = net.connect(port, '127.0.0.1');
  sockets.push(tcp);
  const chunks: Buffer[] = [];
  let upgraded = false;
  tcp.on('data', (d: Buffer) => {
    if (upgraded) return chunks.push(d);
    const end = d.indexOf('\r\n\r\n');
    upgraded = end >= 0;
    if (upgraded && d.length > end + 4) chunks.push(d.subarray(end + 4));
  });
  await new Promise<void>((r) => tcp.once('connect', () => r()));
  const key = crypto.randomBytes(16).toString('base64');
  tcp.write(`GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  return { server: await serverSide, received: () => Buffer.concat(chunks) };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise<void>((r) => setImmediate(r));
}

// Small, 126-byte-header and 127-byte-header frames: every length encoding of RFC 6455.
const frames = [new Uint8Array([0, 1, 2, 3]), crypto.randomBytes(300), crypto.randomBytes(70_000)].map((b) => new Uint8Array(b));

/** What `ws.send` puts on the wire for `frames`, one send each, read by a raw client. */
async function bytesViaSend(): Promise<Buffer> {
  const viaSend = await rawClient();
  for (const f of frames) viaSend.server.send(f, { binary: true });
  const total = frames.reduce((n, f) => n + f.length, 0);
  await until(() => viaSend.received().length >= total);
  const bytes = viaSend.received();
  await stop();
  return bytes;
}

describe('OutgoingBatch', () => {
  it('writes exactly the bytes ws.send writes, in order', async () => {
    expect(OutgoingBatch.shared).toBe(true); // the pinned ws has the internals; if not, the fallback below holds
    const expected = await bytesViaSend();

    const viaBatch = await rawClient();
    expect(new OutgoingBatch(frames).writeTo(viaBatch.server)).toBe(true);
    await until(() => viaBatch.received().length >= expected.length);
    expect(viaBatch.received().equals(expected)).toBe(true);
  });

  it('falls back to ws.send when the socket does not expose its TCP stream', async () => {
    const expected = await bytesViaSend();

    const c = await rawClient();
    // The same websocket seen without its `_socket` field, as a ws release without it would have it.
    const hidden = Object.create(c.server, { _socket: { value: undefined } }) as WebSocket;
    expect(new OutgoingBatch(frames).writeTo(hidden)).toBe(true);
    await until(() => c.received().length >= expected.length);
    expect(c.received().equals(expected)).toBe(true);
  });
});

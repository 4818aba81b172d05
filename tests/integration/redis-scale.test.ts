/**
 * Several instances on one real Redis (REDIS_URL): limits counted once for all of them, socket.io broadcasts
 * that cross from one instance to another, a Redis outage that loosens limits to per-instance instead of
 * failing requests, and a Redis that cannot be reached stopping the start with a message that keeps the
 * password out. Each test has its own REDIS_PREFIX, so instances of different tests never share a count.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { Ack, BoardMetaEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { RedisLink } from '../../server/scale/redis.js';
import { createLogger } from '../../server/log.js';
import { api, createBoard, startServer, tempDataDir, type TestServer } from '../helpers/server.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/yclient.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
let redis: TestRedis;
const servers: TestServer[] = [];
const sockets: Socket[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const s of servers.splice(0)) await s.stop();
});
afterAll(async () => {
  await redis?.stop();
});

const newPrefix = () => `test-${randomUUID().slice(0, 8)}:`;

async function instance(prefix: string, config: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const s = await startServer({
    ...config,
    config: { redisUrl: redis.url, redisPrefix: prefix, boardsPerHour: 3, trustProxy: 'loopback', ...config.config },
  });
  servers.push(s);
  return s;
}

/** Creates a board on `s` as the client at `ip` (behind the trusted loopback proxy); returns the response. */
async function createFrom(s: TestServer, ip: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const res = await fetch(`${s.url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ title: 'Planning' }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}
const statuses = async (...calls: Array<() => Promise<{ status: number }>>) => {
  const out: number[] = [];
  for (const call of calls) out.push((await call()).status);
  return out;
};

describe('limits shared through Redis', () => {
  it('boards created through two instances count against one allowance, and an instance with another prefix counts apart', async () => {
    const prefix = newPrefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    const ip = '203.0.113.7';
    expect(
      await statuses(
        () => createFrom(a, ip),
        () => createFrom(b, ip),
        () => createFrom(a, ip),
      ),
    ).toEqual([201, 201, 201]);
    const refused = await createFrom(b, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.body.error.message).toMatch(/at most 3 per hour/);
    expect((await createFrom(a, ip)).status).toBe(429);

    const other = await instance(newPrefix());
    expect((await createFrom(other, ip)).status).toBe(201);
  });

  it('while Redis restarts both instances keep answering with limits of their own, and share the count again once it is back', async () => {
    const prefix = newPrefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    expect(a.app.redis?.ready && b.app.redis?.ready).toBe(true);
    const board = await createBoard(a.url, 'Weekly');
    let retries = 0;
    a.app.redis!.client.on('reconnecting', () => retries++);

    await redis.restart(async () => {
      await waitFor(() => !a.app.redis!.ready && !b.app.redis!.ready, 'both instances see Redis gone');
      // A broadcast (the rename) that cannot be published: it fails once its retries are spent, without harm.
      expect((await api(a.url, 'PATCH', `/api/boards/${board.id}`, { title: 'Renamed offline' }, board.tokens.participant)).status).toBe(200);
      await waitFor(() => retries >= 6, 'the publish has spent its retries');
      // The insurance limiter: the same policy, counted in each instance's memory.
      const ip = '198.51.100.1';
      expect(
        await statuses(
          () => createFrom(a, ip),
          () => createFrom(a, ip),
          () => createFrom(a, ip),
        ),
      ).toEqual([201, 201, 201]);
      const refused = await createFrom(a, ip);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect((await createFrom(b, ip)).status).toBe(201);
    });

    await waitFor(() => a.app.redis!.ready && b.app.redis!.ready, 'both instances reconnected', 15_000);
    const ip = '198.51.100.2';
    expect(
      await statuses(
        () => createFrom(a, ip),
        () => createFrom(b, ip),
        () => createFrom(b, ip),
      ),
    ).toEqual([201, 201, 201]);
    expect((await createFrom(a, ip)).status).toBe(429);
  });

  it('a refusal is counted in /metrics by limit', async () => {
    const s = await instance(newPrefix(), { config: { metricsToken: METRICS_TOKEN, boardsPerHour: 1 } });
    const ip = '192.0.2.5';
    expect(
      await statuses(
        () => createFrom(s, ip),
        () => createFrom(s, ip),
        () => createFrom(s, ip),
      ),
    ).toEqual([201, 429, 429]);
    const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text.split('\n')).toContain('meshboard_limit_refusals_total{limit="boardCreate"} 2');
  });
});

describe('the Redis connection', () => {
  it('a Redis that cannot be reached stops the start with its host and port, never the password', async () => {
    const port = await freePort();
    const started = startServer({ config: { redisUrl: `redis://:s3cret@127.0.0.1:${port}`, redisPrefix: newPrefix() } });
    const err: Error = await started.then(
      (s) => (servers.push(s), new Error('the server started')),
      (e: Error) => e,
    );
    expect(err.message).toMatch(new RegExp(`^cannot reach Redis at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(err.message).not.toContain('s3cret');
  });

  it('an outage is logged once when it starts, however many retries, and once when it ends', async () => {
    const lines: Array<{ level: number; msg: string; redis?: string }> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const log = createLogger('info', sink);
    const link = await RedisLink.connect(redis.url, newPrefix(), log);
    try {
      const sub = await link.duplicate();
      await sub.subscribe(`${link.prefix}ping`);
      let retries = 0;
      link.client.on('reconnecting', () => retries++);
      await redis.restart(() => waitFor(() => retries >= 3, 'three reconnection attempts'));
      await waitFor(() => link.ready, 'reconnected');
      // pino's levels: 50 error, 30 info.
      expect(lines.map((l) => [l.level, l.msg])).toEqual([
        [50, 'redis: connection lost; retrying in the background'],
        [30, 'redis: connection back'],
      ]);
      expect(lines[0].redis).toBe(`127.0.0.1:${redis.port}`);
    } finally {
      await link.close();
    }
  });
});

describe('socket.io through the Redis adapter', () => {
  it('a rename made through instance A reaches a watcher connected to instance B', async () => {
    // Both serve one data directory, as instances behind a load balancer serve one database.
    const dataDir = tempDataDir();
    const prefix = newPrefix();
    const a = await instance(prefix, { dataDir });
    const b = await instance(prefix, { dataDir });
    const board = await createBoard(a.url, 'Weekly');
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(b.url, { transports: ['websocket'], reconnection: false });
    sockets.push(s);
    const watched = await new Promise<Ack<BoardMetaEvent>>((resolve) => s.emit('board:watch', { boardId: board.id, token: board.tokens.viewer }, resolve));
    expect(watched).toMatchObject({ ok: true });
    const heard: BoardMetaEvent[] = [];
    s.on('board:renamed', (e) => heard.push(e));

    expect((await api(a.url, 'PATCH', `/api/boards/${board.id}`, { title: 'Weekly cross-team sync' }, board.tokens.participant)).status).toBe(200);
    await waitFor(() => heard.length === 1, 'the rename heard on B');
    expect(heard[0]).toEqual({ boardId: board.id, title: 'Weekly cross-team sync', purpose: 'Unblock each other' });
  });
});

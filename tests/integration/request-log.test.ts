/** The server's logs: JSON lines from pino, each request's line carrying its id, never a link's token. */
import http from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { createBoard, tempDataDir } from '../helpers/server.js';
import { freePort, startChildServer, type ChildServer } from '../helpers/child-server.js';
import { waitFor } from '../helpers/yclient.js';
import { createLogger } from '../../server/log.js';
import { requestLogger } from '../../server/http/request-log.js';
import { errorHandler } from '../../server/http/errors.js';

type Line = Record<string, any>;
const jsonLines = (text: string): Line[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

let child: ChildServer | null = null;
afterEach(async () => {
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGTERM');
    await child.exited;
  }
  child = null;
});

describe('request logs', () => {
  test('the server logs JSON lines; a request is logged once with its id, status and time, and its token redacted', async () => {
    child = await startChildServer(tempDataDir(), await freePort(), { CLIENT_DIR: inject('clientDir') });
    const started = jsonLines(child.output()).find((l) => String(l.msg).startsWith('Meshboard is running'));
    expect(started).toMatchObject({ level: 30, name: 'meshboard', time: expect.any(Number) });

    const board = await createBoard(child.url);
    await fetch(`${child.url}/api/health`, { headers: { 'x-request-id': 'probe-1' } });
    const res = await fetch(`${child.url}/b/${board.id}?token=${board.tokens.participant}`, { headers: { 'x-request-id': 'trace-1' } });
    expect(res.headers.get('x-request-id')).toBe('trace-1');

    await waitFor(() => jsonLines(child!.output()).some((l) => l.reqId === 'trace-1'), 'the page request logged');
    const lines = jsonLines(child.output());
    const page = lines.filter((l) => l.reqId === 'trace-1');
    expect(page).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        req: { method: 'GET', url: `/b/${board.id}?token=[redacted]`, remoteAddress: expect.any(String) },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(child.output()).not.toContain(board.tokens.participant);
    // Load balancers poll the health check every few seconds; it stays out of the log.
    expect(lines.some((l) => l.reqId === 'probe-1')).toBe(false);
  });

  test('an error the error handler answers with 500 is logged with the request id, the error type, message and stack', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk;
        done();
      },
    });
    const log = createLogger('info', sink);
    const web = express();
    web.use(requestLogger(log));
    web.get('/boom', () => {
      throw new TypeError('the disk caught fire');
    });
    web.use(errorHandler(log));
    const server = http.createServer(web);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/boom`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: 'internal', message: expect.not.stringContaining('fire') } });
      const id = res.headers.get('x-request-id');
      expect(id).toBeTruthy();

      await waitFor(() => jsonLines(out).some((l) => l.msg === 'request errored'), 'the request line');
      const lines = jsonLines(out).filter((l) => l.reqId === id);
      expect(lines.find((l) => l.msg === 'request failed')).toMatchObject({
        level: 50,
        method: 'GET',
        path: '/boom',
        err: { type: 'TypeError', message: 'the disk caught fire', stack: expect.stringContaining('the disk caught fire') },
      });
      expect(lines.find((l) => l.msg === 'request errored')).toMatchObject({ level: 50, res: { statusCode: 500 } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('LOG_LEVEL=error keeps requests and info lines out, and silent writes nothing', async () => {
    for (const [level, expectInfo] of [
      ['error', false],
      ['silent', false],
      ['info', true],
    ] as const) {
      let out = '';
      const sink = new Writable({
        write(chunk, _enc, done) {
          out += chunk;
          done();
        },
      });
      const log = createLogger(level, sink);
      log.info('an info line', { board: 'b1' });
      log.error('an error line', { err: new Error('bad') });
      const lines = jsonLines(out);
      expect(
        lines.some((l) => l.msg === 'an info line' && l.board === 'b1'),
        level,
      ).toBe(expectInfo);
      expect(
        lines.some((l) => l.msg === 'an error line' && l.err.message === 'bad'),
        level,
      ).toBe(level !== 'silent');
    }
  });
});

/**
 * A real, throwaway `redis-server` for a test: its own process on a free port, nothing saved to disk.
 * `restart()` stops it and starts a new one on the same port (everything in it is gone, as after a crash
 * without persistence), to see what instances do while Redis is away and once it is back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './child-server.js';

export interface TestRedis {
  url: string;
  port: number;
  /** The running redis-server's process id (the benchmark reads its CPU time). */
  readonly pid: number;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
  /** Stops the server, runs `whileDown` (if given) while nothing listens, then starts a new one on the same port. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server not found: apt-get install redis-server');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshboard-redis-'));
  const port = await freePort();
  let proc = await launch(port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return proc.pid!;
    },
    stop: async () => {
      await halt(proc);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async (whileDown) => {
      await halt(proc);
      await whileDown?.();
      proc = await launch(port, dir);
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before answering: ${stderr.trim()}`))),
  );
  exited.catch(() => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await Promise.race([ping(port), exited]);
    if (answer) return proc;
    if (Date.now() > deadline) {
      await halt(proc);
      throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** True when something on `port` answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Stops the process and waits until it is gone, so the port is free again. */
function halt(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

export { freePort };

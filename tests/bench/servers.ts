/**
 * Starts each benchmarked server in its own child process (same Node binary, pinned to core 0 with
 * `taskset` when available), on 127.0.0.1 only, and gives the load generator what it needs to reach a room.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SERVER_KINDS = ['meshboard', 'y-websocket', 'hocuspocus'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** How a client frames messages: plain y-websocket, or Hocuspocus (doc-name prefix, auth frame first). */
export type Framing = 'plain' | 'hocuspocus';

export interface Room {
  /** Board id (Meshboard) or document name (peers). */
  id: string;
  /** The websocket URL a client opens for this room. */
  url: string;
  /** Participant token (Meshboard); peers take any. */
  token: string;
  /** Meshboard's role tokens, when the room is a Meshboard board. */
  tokens?: { facilitator: string; participant: string; viewer: string };
}

export interface RunningServer {
  kind: ServerKind;
  framing: Framing;
  pid: number;
  port: number;
  base: string;
  dataDir: string;
  createRoom(name?: string): Promise<Room>;
  /** The inspector's websocket URL, when started with `nodeArgs: ['--inspect=127.0.0.1:0']`. */
  inspectorUrl(): string | null;
  /** SIGTERM and wait for exit (the server stores what it has). */
  stop(): Promise<void>;
}

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const HAVE_TASKSET = spawnSync('taskset', ['-V']).status === 0;
/** The generator's core (run.ts pins itself there); servers get the others. */
export const GENERATOR_CORE = 1;
/** Cores servers may be pinned to: every core but the generator's (core 0 alone on a 2-core machine). */
export const SERVER_CORES = Array.from({ length: os.cpus().length }, (_, i) => i).filter((i) => i !== GENERATOR_CORE || os.cpus().length < 2);

/**
 * Runs `fn` with this process pinned to `cpus` (a taskset list), then pins it back to the generator's core:
 * processes started meanwhile (redis-server, a PostgreSQL cluster) inherit the servers' cores.
 */
export async function withAffinity<T>(cpus: string, fn: () => Promise<T>): Promise<T> {
  const pin = (list: string) => HAVE_TASKSET && os.cpus().length >= 2 && spawnSync('taskset', ['-a', '-cp', list, String(process.pid)], { stdio: 'ignore' });
  pin(cpus);
  try {
    return await fn();
  } finally {
    pin(String(GENERATOR_CORE));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `meshboard-bench-${prefix}-`));
}

function command(kind: ServerKind, nodeArgs: string[]): string[] {
  switch (kind) {
    // `node --import tsx` rather than `npx tsx`: one process, so /proc/<pid> is the server itself.
    case 'meshboard':
      return [process.execPath, ...nodeArgs, '--import', 'tsx', 'server/main.ts'];
    case 'y-websocket':
      return [process.execPath, ...nodeArgs, 'tests/bench/peers/y-websocket-server.mjs'];
    case 'hocuspocus':
      return [process.execPath, ...nodeArgs, 'tests/bench/peers/hocuspocus-server.mjs'];
  }
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  /** Extra flags for the server's `node` (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  /** The cores to pin the server to (a taskset list); core 0 by default. */
  cpus?: string;
}

export async function startServer(kind: ServerKind, opts: StartOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = opts.dataDir ?? tempDir(kind);
  // BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles every server the run starts.
  const fromEnv = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const argv = command(kind, [...fromEnv, ...(opts.nodeArgs ?? [])]);
  const full = HAVE_TASKSET ? ['taskset', '-c', opts.cpus ?? '0', ...argv] : argv;
  const child: ChildProcess = spawn(full[0], full.slice(1), {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error', NODE_ENV: 'production', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let allStderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
    if (allStderr.length < 4000) allStderr += d;
    if (process.env.BENCH_DEBUG) process.stderr.write(d);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited at start: ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) throw new Error(`${kind} did not start: ${stderr}`);
    await sleep(50);
  }
  const framing: Framing = kind === 'hocuspocus' ? 'hocuspocus' : 'plain';
  let n = 0;
  return {
    kind,
    framing,
    pid: child.pid!,
    port,
    base,
    dataDir,
    async createRoom(name) {
      if (kind === 'meshboard') return createMeshboardBoard(base, name ?? `bench ${++n}`);
      const id = name ?? `room-${++n}-${Math.random().toString(36).slice(2, 8)}`;
      return { id, token: 'bench', url: kind === 'hocuspocus' ? `ws://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/${id}` };
    },
    inspectorUrl: () => /Debugger listening on (ws:\/\/\S+)/.exec(allStderr)?.[1] ?? null,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function createMeshboardBoard(base: string, title: string): Promise<Room> {
  const res = await fetch(`${base}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: title.slice(0, 200) }),
  });
  if (res.status !== 201) throw new Error(`POST /api/boards: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id: string; links: Record<'facilitator' | 'participant' | 'viewer', string> };
  const tok = (link: string) => new URL(link).searchParams.get('token')!;
  const tokens = { facilitator: tok(body.links.facilitator), participant: tok(body.links.participant), viewer: tok(body.links.viewer) };
  const wsBase = base.replace('http', 'ws');
  return {
    id: body.id,
    token: tokens.participant,
    tokens,
    url: `${wsBase}/yjs/${encodeURIComponent(body.id)}?token=${encodeURIComponent(tokens.participant)}`,
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

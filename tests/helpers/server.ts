/** Starts a real Meshboard server on an ephemeral port with its own temporary data directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type MeshboardApp } from '../../server/app.js';
import type { ConfigInput } from '../../server/config.js';

export interface TestServer {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  app: MeshboardApp;
  /** Stops the server gracefully (stores and compacts); the data dir is kept for a restart. */
  stop(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'meshboard-test-'));
}

export async function startServer(opts: { dataDir?: string; config?: ConfigInput } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const app = createApp({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    unloadGraceMs: 200,
    clientDir: path.resolve('dist/client'),
    ...opts.config,
  });
  const { port } = await app.listen();
  const url = `http://127.0.0.1:${port}`;
  return { url, wsUrl: `ws://127.0.0.1:${port}`, port, dataDir, app, stop: () => app.close() };
}

/** JSON helper for the REST API: returns status and parsed body. */
export async function api<T = any>(base: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function createBoard(base: string, title = 'Weekly cross-team sync', purpose = 'Unblock each other'): Promise<string> {
  const res = await api<{ id: string }>(base, 'POST', '/api/boards', { title, purpose });
  if (res.status !== 201) throw new Error(`could not create a board: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

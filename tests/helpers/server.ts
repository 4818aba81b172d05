/** Starts a real Meshboard server on an ephemeral port with its own temporary data directory. */
import fs from 'node:fs';
import { inject } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { createApp, type AppDeps, type MeshboardApp } from '../../server/app.js';
import type { ConfigInput } from '../../server/config.js';
import { freshDatabase } from './postgres.js';
import type { CreateBoardResponse } from '../../shared/api-schemas.js';
import type { Role, RoleLinks } from '../../shared/roles.js';

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

export async function startServer(opts: { dataDir?: string; config?: ConfigInput; deps?: AppDeps } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  // MESHBOARD_TEST_DATABASE=postgres runs a suite's servers on PostgreSQL: each new data directory gets a fresh
  // database in the run's PostgreSQL server, and a server restarted on that directory finds the same one again.
  const databaseUrl = process.env.MESHBOARD_TEST_DATABASE === 'postgres' ? await databaseFor(dataDir) : undefined;
  const app = await createApp(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'silent',
      unloadGraceMs: 200,
      // Suites create boards by the hundred from one address; the limit has tests of its own.
      boardsPerHour: 100_000,
      clientDir: inject('clientDir'),
      ...(databaseUrl ? { databaseUrl } : {}),
      ...opts.config,
    },
    opts.deps,
  );
  const { port } = await app.listen();
  const url = `http://127.0.0.1:${port}`;
  return { url, wsUrl: `ws://127.0.0.1:${port}`, port, dataDir, app, stop: () => app.close() };
}

const databases = new Map<string, Promise<string>>();
function databaseFor(dataDir: string): Promise<string> {
  let url = databases.get(dataDir);
  if (!url) databases.set(dataDir, (url = freshDatabase(inject('pgUrl'))));
  return url;
}

/** JSON helper for the REST API: returns status and parsed body. `token` goes in `Authorization: Bearer`. */
export async function api<T = any>(
  base: string,
  method: string,
  p: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + p, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (an export): keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface TestBoard {
  id: string;
  tokens: Record<Role, string>;
  links: RoleLinks;
}

/** Creates a board through the REST API, as a user would, and returns its id and role tokens. */
export async function createBoard(base: string, title = 'Weekly cross-team sync', purpose = 'Unblock each other'): Promise<TestBoard> {
  const res = await api<CreateBoardResponse>(base, 'POST', '/api/boards', { title, purpose });
  if (res.status !== 201) throw new Error(`could not create a board: ${res.status} ${JSON.stringify(res.body)}`);
  const token = (link: string) => new URL(link).searchParams.get('token')!;
  const { links } = res.body;
  return {
    id: res.body.id,
    links,
    tokens: { facilitator: token(links.facilitator), participant: token(links.participant), viewer: token(links.viewer) },
  };
}

/** Adds a card through the REST API, as a teammate with the participant link, and returns its id. */
export async function addCard(base: string, board: TestBoard, body: Record<string, unknown>): Promise<string> {
  const res = await api(base, 'POST', `/api/boards/${board.id}/cards`, body, board.tokens.participant);
  if (res.status !== 201) throw new Error(`could not add a card: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.card.id as string;
}

/** Records a decision on a card through the REST API (text, or text with owner/due) and returns its action item's id. */
export async function addDecision(
  base: string,
  board: TestBoard,
  cardId: string,
  decision: string | { text: string; owner?: string; due?: string },
): Promise<string> {
  const body = typeof decision === 'string' ? { text: decision } : decision;
  const res = await api(base, 'POST', `/api/boards/${board.id}/cards/${cardId}/decisions`, body, board.tokens.participant);
  if (res.status !== 201) throw new Error(`could not record the decision: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.actionItem.id as string;
}

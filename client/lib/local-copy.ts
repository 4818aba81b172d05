/**
 * What this device keeps of a board so that it opens, and can be edited, without a network: the Yjs
 * document in IndexedDB (y-indexeddb, one database per board), how many of my changes the server has not
 * confirmed yet, and the role the board's link was last known to grant. Everything is scoped by board id;
 * the count and the role live in localStorage, next to the board's token (lib/board-keys.ts).
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';
import './zod-config.js';
import { z } from 'zod';
import { ROLES, type Role } from '../../shared/roles.js';

/** The IndexedDB database name of a board's local copy. */
export const localCopyName = (boardId: string): string => `meshboard:board:${boardId}`;

/** Opens (and starts loading) the local copy of a board into `doc`; null where IndexedDB is unavailable. */
export function openLocalCopy(boardId: string, doc: Y.Doc): IndexeddbPersistence | null {
  try {
    if (typeof indexedDB === 'undefined') return null;
    return new IndexeddbPersistence(localCopyName(boardId), doc);
  } catch {
    return null;
  }
}

const PENDING_KEY = 'meshboard:pending';
const ROLE_KEY = 'meshboard:roles';

function readJson<T>(key: string, schema: z.ZodType<T>, fallback: T): T {
  try {
    const parsed = schema.safeParse(JSON.parse(localStorage.getItem(key) ?? 'null'));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage unavailable or full: the count and role are conveniences; the document is in IndexedDB.
  }
}

const Pending = z.record(z.string(), z.number().int().nonnegative());

/** How many of my changes to the board the server has not confirmed (kept across reloads). */
export const loadPending = (boardId: string): number => readJson(PENDING_KEY, Pending, {})[boardId] ?? 0;

export function savePending(boardId: string, count: number): void {
  const all = readJson(PENDING_KEY, Pending, {});
  if (count > 0) all[boardId] = count;
  else if (boardId in all) delete all[boardId];
  else return;
  writeJson(PENDING_KEY, all);
}

const Roles = z.record(z.string(), z.object({ token: z.string(), role: z.enum(ROLES) }));

/** Remembers what `token` lets me do on the board, for opening it while the server cannot be asked. */
export function rememberRole(boardId: string, token: string, role: Role): void {
  const all = readJson(ROLE_KEY, Roles, {});
  if (all[boardId]?.token === token && all[boardId]?.role === role) return;
  all[boardId] = { token, role };
  writeJson(ROLE_KEY, all);
}

/** The role last granted to this very token on this board, or null. */
export function rememberedRole(boardId: string, token: string): Role | null {
  const entry = readJson(ROLE_KEY, Roles, {})[boardId];
  return entry && entry.token === token ? entry.role : null;
}

/** Forgets everything this device kept of a board (it was deleted). */
export async function forgetLocalCopy(boardId: string, local: IndexeddbPersistence | null): Promise<void> {
  savePending(boardId, 0);
  const all = readJson(ROLE_KEY, Roles, {});
  if (boardId in all) {
    delete all[boardId];
    writeJson(ROLE_KEY, all);
  }
  await local?.clearData().catch(() => undefined);
}

/**
 * The secrets this device holds per board, in localStorage: the token it opened the board with (so the
 * recent-boards list and a reload work without the token in every link) and, for whoever created the
 * board, the other roles' links — the server shows those only once, at creation.
 */
// Lazily loaded pages share this module with the entry, so the bundler may put it (and zod) in a chunk
// that runs before main.ts; importing the zod setting here keeps it ahead of the schema below.
import './zod-config.js';
import { z } from 'zod';
import { ROLES, type Role } from '../../shared/roles.js';

const KEY = 'meshboard:keys';

const BoardKey = z.object({
  token: z.string(),
  links: z.partialRecord(z.enum(ROLES), z.string()).optional(),
});
export type BoardKey = z.infer<typeof BoardKey>;

function loadAll(): Record<string, BoardKey> {
  try {
    const parsed = z.record(z.string(), BoardKey).safeParse(JSON.parse(localStorage.getItem(KEY) ?? '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function saveAll(all: Record<string, BoardKey>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage unavailable: the token in the address bar still works for this visit.
  }
}

export const loadKey = (boardId: string): BoardKey | undefined => loadAll()[boardId];

export function saveToken(boardId: string, token: string): void {
  const all = loadAll();
  all[boardId] = { ...all[boardId], token };
  saveAll(all);
}

export function saveLinks(boardId: string, links: Partial<Record<Role, string>>): void {
  const all = loadAll();
  const current = all[boardId];
  if (!current) return;
  all[boardId] = { ...current, links: { ...current.links, ...links } };
  saveAll(all);
}

export function forgetKey(boardId: string): void {
  const all = loadAll();
  delete all[boardId];
  saveAll(all);
}

/** The token carried by a board link (`/b/<id>?token=…`), or null. */
export function tokenOf(link: string): string | null {
  try {
    return new URL(link, location.origin).searchParams.get('token');
  } catch {
    return null;
  }
}

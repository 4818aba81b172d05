/** Boards opened on this device, newest first, kept in localStorage for the home page. */
// Before any schema is built (see the module): this file may load in a chunk ahead of main.ts.
import './zod-config.js';
import { z } from 'zod';

const KEY = 'meshboard:recent';
const MAX = 12;

const RecentBoard = z.object({ id: z.string(), title: z.string(), openedAt: z.number() });
export type RecentBoard = z.infer<typeof RecentBoard>;

export function loadRecent(): RecentBoard[] {
  try {
    const parsed = z.array(RecentBoard).safeParse(JSON.parse(localStorage.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data.sort((a, b) => b.openedAt - a.openedAt) : [];
  } catch {
    return [];
  }
}

function save(list: RecentBoard[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX)));
  } catch {
    // Storage unavailable: the list is a convenience, not data.
  }
}

/** Records a visit (or a new title) of a board; moves it to the top. */
export function rememberBoard(id: string, title: string): void {
  save([{ id, title, openedAt: Date.now() }, ...loadRecent().filter((b) => b.id !== id)]);
}

export function forgetBoard(id: string): RecentBoard[] {
  const list = loadRecent().filter((b) => b.id !== id);
  save(list);
  return list;
}

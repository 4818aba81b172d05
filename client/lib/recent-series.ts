/**
 * Series this device knows, newest first, in localStorage: for the home page's "your series" list, and to
 * open a series page without the token in the address. The token is the link the series was opened with (a
 * series link or a link of one of its meetings: both open it); `links` only for whoever created it, since the
 * server shows the role links once.
 */
// Before any schema is built (see the module): this file may load in a chunk ahead of main.ts.
import './zod-config.js';
import { z } from 'zod';
import { roleAtLeast, ROLES, type Role } from '../../shared/roles.js';

const KEY = 'meshboard:series';
const MAX = 20;

const KnownSeries = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string(),
  /** What `token` grants. */
  role: z.enum(ROLES),
  openedAt: z.number(),
  links: z.partialRecord(z.enum(ROLES), z.string()).optional(),
});
export type KnownSeries = z.infer<typeof KnownSeries>;

export function loadSeries(): KnownSeries[] {
  try {
    const parsed = z.array(KnownSeries).safeParse(JSON.parse(localStorage.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data.sort((a, b) => b.openedAt - a.openedAt) : [];
  } catch {
    return [];
  }
}

function save(list: KnownSeries[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX)));
  } catch {
    // Storage unavailable: the list is a convenience; the link still works.
  }
}

export const knownSeries = (id: string): KnownSeries | undefined => loadSeries().find((s) => s.id === id);

/**
 * Records a visit of a series with the token it was opened with; moves it to the top. A facilitator's token
 * is not replaced by a lesser one met later (a participant link of one of its boards), and kept links stay.
 */
export function rememberSeries(id: string, name: string, token: string, role: Role, links?: KnownSeries['links']): void {
  const before = knownSeries(id);
  const keep = before && before.token !== token && !roleAtLeast(role, before.role);
  const entry: KnownSeries = {
    id,
    name: name || before?.name || '',
    token: keep ? before.token : token,
    role: keep ? before.role : role,
    openedAt: Date.now(),
    links: { ...before?.links, ...links },
  };
  save([entry, ...loadSeries().filter((s) => s.id !== id)]);
}

export function forgetSeries(id: string): KnownSeries[] {
  const list = loadSeries().filter((s) => s.id !== id);
  save(list);
  return list;
}

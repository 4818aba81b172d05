/**
 * Names to offer on a request's From and To fields: the people in the meeting (its roster, who is here
 * first), whoever is on the board now (presence), the series' people, and the names the board already uses.
 * The series' list is fetched once per series and page, with the board's link (it opens its series too).
 */
import { fetchSeries } from './series-api.js';

const seriesPeople = new Map<string, Promise<string[]>>();

/** The people of a series as its settings list them; [] when it cannot be read (the suggestions just lack them). */
export function peopleOfSeries(seriesId: string, token: string): Promise<string[]> {
  let found = seriesPeople.get(seriesId);
  if (!found) {
    found = fetchSeries(seriesId, token).then(
      (res) => (res.ok ? res.data.series.people : []),
      () => [],
    );
    seriesPeople.set(seriesId, found);
  }
  return found;
}

/** One list from several, in the order given, each name once whatever its case or spaces (the first spelling wins). */
export function mergeNames(...lists: ReadonlyArray<ReadonlyArray<string>>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const raw of list) {
      const name = raw.trim();
      const key = name.toLowerCase();
      if (!name || seen.has(key)) continue;
      seen.add(key);
      out.push(name);
    }
  }
  return out;
}

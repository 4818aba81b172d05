/**
 * Clock times of a meeting's agenda: when each item starts, from the meeting's scheduled start and the
 * timeboxes of the items before it. Pure, so the printed agenda and anything the server sends (an invite,
 * a summary) agree to the minute.
 */
import { isClockTime } from './board-schema.js';

const DAY = 24 * 60;

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const toClock = (minutes: number): string => {
  // A meeting that runs past midnight goes on at 00:00, not at 24:00.
  const m = ((minutes % DAY) + DAY) % DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/**
 * The start (`HH:MM`, 24-hour) of each agenda item, in order, for a meeting that starts at `start`
 * (`HH:MM`). Each item starts when the items before it have used up their timeboxes (minutes); an item
 * without one (null) takes no time, so the next item starts with it. Throws a RangeError for a `start`
 * that is not `HH:MM`.
 */
export function agendaClockTimes(start: string, timeboxes: readonly (number | null)[]): string[] {
  if (!isClockTime(start)) throw new RangeError(`not an HH:MM time: ${start}`);
  let at = toMinutes(start);
  return timeboxes.map((timebox) => {
    const clock = toClock(at);
    at += timebox !== null && Number.isFinite(timebox) && timebox > 0 ? timebox : 0;
    return clock;
  });
}

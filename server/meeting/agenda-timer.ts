/**
 * The countdown of the current agenda item. The server's clock is the only authority: clients render
 * from `endsAt` (server time) with their measured clock offset, so everyone sees the same seconds.
 */
import { ErrorCode } from '../../shared/errors.js';
import { idleTimer, timerRemaining, type TimerState } from '../../shared/meeting.js';
import type { Clock } from './clock.js';
import { CommandError } from './command-error.js';

export class AgendaTimer {
  #t: TimerState;
  #handle: unknown = null;

  constructor(
    initial: TimerState,
    private readonly clock: Clock,
    /** Called once when a running timer reaches zero. */
    private readonly onExpired: (agendaId: string | null) => void,
  ) {
    const now = clock.now();
    // Stored before overtime was kept: its overtime is unknown.
    const stored = { ...initial, expiredAt: initial.expiredAt ?? null };
    // A timer that ran out while nobody had the meeting loaded (or the server was down) is simply expired.
    this.#t = stored.status === 'running' && stored.endsAt !== null && stored.endsAt <= now ? expiredOf(stored) : stored;
    this.#schedule();
  }

  get state(): TimerState {
    return this.#t;
  }

  /** Sets the timer, idle, to an item's timebox (minutes, or null for none). */
  load(agendaId: string | null, minutes: number | null): void {
    this.#clear();
    this.#t = idleTimer(agendaId, minutes);
  }

  start(): TimerState {
    const t = this.#t;
    if (t.status === 'running') return t;
    if (t.remainingMs <= 0)
      throw new CommandError(ErrorCode.PreconditionFailed, { reason: 'no_time_left' }, 'no time left: extend the timer or set a timebox on the item');
    this.#t = { ...t, status: 'running', endsAt: this.clock.now() + t.remainingMs };
    this.#schedule();
    return this.#t;
  }

  pause(): TimerState {
    const t = this.#t;
    if (t.status !== 'running') return t;
    this.#clear();
    this.#t = { ...t, status: 'paused', endsAt: null, remainingMs: timerRemaining(t, this.clock.now()) };
    return this.#t;
  }

  /** Adds time; an expired timer starts running again with the added time. */
  extend(minutes: number): TimerState {
    const add = minutes * 60_000;
    const t = this.#t;
    if (t.status === 'running') this.#t = { ...t, durationMs: t.durationMs + add, endsAt: t.endsAt! + add };
    else if (t.status === 'expired')
      this.#t = { ...t, status: 'running', durationMs: t.durationMs + add, endsAt: this.clock.now() + add, remainingMs: 0, expiredAt: null };
    else this.#t = { ...t, durationMs: t.durationMs + add, remainingMs: t.remainingMs + add };
    this.#schedule();
    return this.#t;
  }

  #schedule(): void {
    this.#clear();
    const t = this.#t;
    if (t.status !== 'running' || t.endsAt === null) return;
    this.#handle = this.clock.setTimeout(
      () => {
        this.#handle = null;
        const cur = this.#t;
        if (cur.status !== 'running' || cur.endsAt === null) return;
        if (cur.endsAt > this.clock.now()) return this.#schedule();
        this.#t = expiredOf(cur);
        this.onExpired(cur.agendaId);
      },
      Math.max(0, t.endsAt - this.clock.now()),
    );
  }

  #clear(): void {
    if (this.#handle !== null) this.clock.clearTimeout(this.#handle);
    this.#handle = null;
  }

  dispose(): void {
    this.#clear();
  }
}

/** Expired at the moment it reached zero (also when that was noticed later, after a restart). */
const expiredOf = (t: TimerState): TimerState => ({ ...t, status: 'expired', endsAt: null, remainingMs: 0, expiredAt: t.endsAt });

/**
 * SLA clock maths, pure (no database, no clock: callers pass `now`).
 *
 * Hours are wall-clock hours: elapsed real time, 24 hours a day, 7 days a week. The desk's
 * time zone only changes how due times are shown, never how long a window is. Desks serve
 * tourists around the clock and across borders, so business-hour calendars (whose hours,
 * holidays, of which country?) would make due times hard to predict; a desk that wants
 * office hours only sets longer windows.
 *
 * The acknowledge clock runs from intake and never pauses. The resolve clock pauses while the
 * case waits on a partner; on resume the paused time is added to its due time.
 */

export const HOUR_MS = 3_600_000;

/** "At risk": less than this share of the window is left (25%: e.g. under 6 h of a 24 h window). */
export const AT_RISK_SHARE = 0.25;

export interface SlaHours {
  ackHours: number;
  resolveHours: number;
}

export interface SlaClock {
  /** When the acknowledge window started (intake). */
  openedAt: Date;
  ackDueAt: Date;
  /** When the current resolve window started (intake, or the last reopen). */
  resolveStartedAt: Date;
  resolveDueAt: Date;
  /** Set while the resolve clock is paused. */
  pausedAt: Date | null;
  /** Paused time already added to resolveDueAt (finished pauses only). */
  pausedMs: number;
}

export type SlaState = 'ok' | 'at_risk' | 'breached' | 'paused' | 'met' | 'met_late';

const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

export function dueDatesFrom(hours: SlaHours, from: Date): { ackDueAt: Date; resolveDueAt: Date } {
  return {
    ackDueAt: plus(from, hours.ackHours * HOUR_MS),
    resolveDueAt: plus(from, hours.resolveHours * HOUR_MS),
  };
}

export function startClock(hours: SlaHours, from: Date): SlaClock {
  return {
    openedAt: from,
    resolveStartedAt: from,
    ...dueDatesFrom(hours, from),
    pausedAt: null,
    pausedMs: 0,
  };
}

/** Pausing a paused clock changes nothing (the first pause time is kept). */
export function pauseClock(clock: SlaClock, at: Date): SlaClock {
  if (clock.pausedAt) return clock;
  return { ...clock, pausedAt: at };
}

/** Resuming adds the paused time to the resolve due time; resuming a running clock changes nothing. */
export function resumeClock(clock: SlaClock, at: Date): SlaClock {
  if (!clock.pausedAt) return clock;
  const paused = Math.max(0, at.getTime() - clock.pausedAt.getTime());
  return {
    ...clock,
    pausedAt: null,
    pausedMs: clock.pausedMs + paused,
    resolveDueAt: plus(clock.resolveDueAt, paused),
  };
}

/**
 * A priority change: both due times are recomputed from their window starts with the new
 * hours, keeping the paused time already served. A running pause stays running.
 */
export function recomputeClock(clock: SlaClock, hours: SlaHours): SlaClock {
  return {
    ...clock,
    ackDueAt: plus(clock.openedAt, hours.ackHours * HOUR_MS),
    resolveDueAt: plus(clock.resolveStartedAt, hours.resolveHours * HOUR_MS + clock.pausedMs),
  };
}

/** A reopened case gets a fresh resolve window from `at` (the acknowledge clock is left alone). */
export function restartResolveClock(clock: SlaClock, hours: SlaHours, at: Date): SlaClock {
  return {
    ...clock,
    resolveStartedAt: at,
    resolveDueAt: plus(at, hours.resolveHours * HOUR_MS),
    pausedAt: null,
    pausedMs: 0,
  };
}

export interface WindowInput {
  startAt: Date;
  dueAt: Date;
  /** When the target was met (acknowledged / resolved), if it was. */
  metAt?: Date | null;
  pausedAt?: Date | null;
  /** Finished pauses already included in dueAt. */
  pausedMs?: number;
}

export interface WindowStatus {
  state: SlaState;
  /** Time left (negative once overdue); frozen at the pause time while paused. */
  remainingMs: number;
}

/**
 * The state of one SLA window at `now`: met / met_late once the target was reached, paused while
 * paused (unless already overdue), breached once `now` reaches the due time, at_risk when less
 * than AT_RISK_SHARE of the window is left, else ok.
 */
export function windowStatus(w: WindowInput, now: Date): WindowStatus {
  const due = w.dueAt.getTime();
  if (w.metAt) {
    const remainingMs = due - w.metAt.getTime();
    return { state: remainingMs >= 0 ? 'met' : 'met_late', remainingMs };
  }
  const effectiveNow = w.pausedAt ? Math.min(w.pausedAt.getTime(), now.getTime()) : now.getTime();
  const remainingMs = due - effectiveNow;
  if (remainingMs <= 0) return { state: 'breached', remainingMs };
  if (w.pausedAt) return { state: 'paused', remainingMs };
  const windowMs = due - w.startAt.getTime() - (w.pausedMs ?? 0);
  if (windowMs > 0 && remainingMs < windowMs * AT_RISK_SHARE) return { state: 'at_risk', remainingMs };
  return { state: 'ok', remainingMs };
}

export function ackStatus(clock: SlaClock, now: Date, acknowledgedAt?: Date | null): WindowStatus {
  return windowStatus({ startAt: clock.openedAt, dueAt: clock.ackDueAt, metAt: acknowledgedAt }, now);
}

export function resolveStatus(clock: SlaClock, now: Date, resolvedAt?: Date | null): WindowStatus {
  return windowStatus(
    {
      startAt: clock.resolveStartedAt,
      dueAt: clock.resolveDueAt,
      metAt: resolvedAt,
      pausedAt: clock.pausedAt,
      pausedMs: clock.pausedMs,
    },
    now,
  );
}

/** True once `now` has reached the due time of a window not yet met (paused time counts as not elapsed). */
export function isBreached(w: WindowInput, now: Date): boolean {
  return windowStatus(w, now).state === 'breached';
}

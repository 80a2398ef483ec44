import { config } from '../../config/index.js';
import { toLocalDay } from '../../lib/local-time.js';
import { AT_RISK_SHARE, ackStatus, resolveStatus, type SlaClock, type WindowStatus } from '../desks/index.js';
import { OPEN_STATUSES, type CaseStatus } from './case.model.js';

/** The case fields the SLA maths (desks/sla.ts) reads. */
export interface ClockFields {
  status: CaseStatus;
  openedAt: Date;
  ackDueAt: Date;
  resolveStartedAt: Date;
  resolveDueAt: Date;
  pausedAt?: Date | null;
  pausedMs?: number | null;
  acknowledgedAt?: Date | null;
  resolvedAt?: Date | null;
}

export function clockOf(c: ClockFields): SlaClock {
  return {
    openedAt: c.openedAt,
    ackDueAt: c.ackDueAt,
    resolveStartedAt: c.resolveStartedAt,
    resolveDueAt: c.resolveDueAt,
    pausedAt: c.pausedAt ?? null,
    pausedMs: c.pausedMs ?? 0,
  };
}

/** The clock fields to store after a change of the clock. */
export function clockFields(clock: SlaClock) {
  return {
    ackDueAt: clock.ackDueAt,
    resolveStartedAt: clock.resolveStartedAt,
    resolveDueAt: clock.resolveDueAt,
    pausedAt: clock.pausedAt,
    pausedMs: clock.pausedMs,
  };
}

export function isOpen(status: CaseStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/**
 * Stored keys the list sorts and filters by: the next deadline (acknowledge while
 * unacknowledged, else resolve), when the running clocks enter their at-risk share, and whether
 * the case is open (an equality FerretDB hands to PostgreSQL, where `status: {$in}` is not).
 */
export function derivedDue(c: ClockFields): { dueAt: Date; atRiskAt: Date | null; open: boolean } {
  const open = isOpen(c.status);
  const ackRunning = open && !c.acknowledgedAt;
  const resolveRunning = open && !c.resolvedAt && !c.pausedAt;
  const dueAt = ackRunning && c.ackDueAt < c.resolveDueAt ? c.ackDueAt : c.resolveDueAt;
  const risks: number[] = [];
  if (ackRunning) {
    const window = c.ackDueAt.getTime() - c.openedAt.getTime();
    risks.push(c.ackDueAt.getTime() - window * AT_RISK_SHARE);
  }
  if (resolveRunning) {
    const window = c.resolveDueAt.getTime() - c.resolveStartedAt.getTime() - (c.pausedMs ?? 0);
    risks.push(c.resolveDueAt.getTime() - window * AT_RISK_SHARE);
  }
  return { dueAt, atRiskAt: risks.length ? new Date(Math.min(...risks)) : null, open };
}

export interface CaseSla {
  ack: WindowStatus;
  resolve: WindowStatus;
}

/** Both windows' state at `now`, for the page and the list (see desks/sla.ts windowStatus). */
export function caseSla(c: ClockFields, now: Date): CaseSla {
  const clock = clockOf(c);
  return { ack: ackStatus(clock, now, c.acknowledgedAt), resolve: resolveStatus(clock, now, c.resolvedAt) };
}

/** Monday (YYYY-MM-DD) of the week holding `at`, in the alliance's time zone: report buckets. */
export function weekKey(at: Date, timeZone = config.defaultTimeZone): string {
  const day = toLocalDay(at, timeZone);
  const d = new Date(`${day}T00:00:00Z`);
  const offset = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - offset);
  return d.toISOString().slice(0, 10);
}

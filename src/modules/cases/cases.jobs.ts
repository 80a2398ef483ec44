import type { Agenda } from 'agenda';
import type { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import type { Recurring } from '../../lib/jobs.js';
import { logger } from '../../lib/logger.js';
import { recordAudit, SYSTEM } from '../audit/index.js';
import { DeskModel, PRIORITIES, deskLeads, recomputeClock, type Desk } from '../desks/index.js';
import { notify } from '../notifications/index.js';
import { UserModel } from '../users/index.js';
import { clockOf, derivedDue } from './case-clock.js';
import { backfillOnce, firstTime } from '../../lib/once.js';
import { runSerially } from '../../lib/serial.js';
import { CaseModel, OPEN_STATUSES, type ComplaintCase } from './case.model.js';

export const JOB_ESCALATE_CASES = 'cases.escalate';
const BATCH = 200;

export interface EscalationRun {
  /** Windows this run flagged as breached. */
  flagged: number;
  /** Notifications it created (a re-run finds them already there: dedupe keys). */
  notified: number;
}

export type Window = 'ack' | 'resolve';

/** Open cases whose `window` is past due at `now` and not yet flagged. */
export function dueFilter(window: Window, now: Date): Record<string, unknown> {
  const open = { open: true };
  return window === 'ack'
    ? { ...open, ackBreached: false, acknowledgedAt: null, ackDueAt: trusted({ $lte: now }) }
    : {
        ...open,
        resolveBreached: false,
        resolvedAt: null,
        pausedAt: null,
        resolveDueAt: trusted({ $lte: now }),
      };
}

/**
 * What a desk with `raiseOnBreach` does to a case whose `window` just breached: the priority
 * goes up one step and every window still running (not met, not breached) follows the new
 * priority's hours from its own start, as a manual priority change would. The breached window
 * keeps the due time it missed. Null when the desk does not raise or the case is urgent already.
 */
function raisedPriority(c: ComplaintCase, window: Window, desk: Pick<Desk, 'raiseOnBreach' | 'sla'> | null) {
  if (!desk?.raiseOnBreach) return null;
  const next = PRIORITIES[PRIORITIES.indexOf(c.priority) + 1];
  if (!next) return null;
  const clock = recomputeClock(clockOf(c), desk.sla[next]);
  const due: { ackDueAt?: Date; resolveDueAt?: Date } = {};
  if (window !== 'ack' && !c.acknowledgedAt && !c.ackBreached) due.ackDueAt = clock.ackDueAt;
  if (window !== 'resolve' && !c.resolvedAt && !c.resolveBreached) due.resolveDueAt = clock.resolveDueAt;
  return { priority: next, due };
}

async function managerIds(): Promise<Types.ObjectId[]> {
  const rows = await UserModel.find({ role: 'manager', disabledAt: null }, { _id: 1 }).lean();
  return rows.map((r) => r._id);
}

/**
 * Flags one window of one case as breached: re-read and conditionally updated inside the case's
 * queue (so a parallel run in this process sees the flag), conditioned on the version it read
 * (so a run in another instance, or a user action meanwhile, makes it a no-op).
 */
async function flag(id: Types.ObjectId, window: Window, now: Date): Promise<ComplaintCase | null> {
  return runSerially(`case:${id.toHexString()}`, async () => {
    const c = await CaseModel.findOne({ _id: id, ...dueFilter(window, now) }).lean<ComplaintCase>();
    if (!c) return null;
    const field = window === 'ack' ? 'ackBreached' : 'resolveBreached';
    const desk = await DeskModel.findById(c.desk, { raiseOnBreach: 1, sla: 1 }).lean<Desk>();
    const raise = raisedPriority(c, window, desk);
    const after = { ...c, [field]: true, ...raise?.due };
    const set = {
      [field]: true,
      [`${field}At`]: now,
      ...raise?.due,
      ...(raise ? { priority: raise.priority } : {}),
      ...derivedDue(after),
      version: c.version + 1,
    };
    const entries: Record<string, unknown>[] = [
      {
        at: now,
        by: null,
        kind: 'breach',
        text: null,
        visibility: null,
        from: null,
        to: window,
        meta: { dueAt: (window === 'ack' ? c.ackDueAt : c.resolveDueAt).toISOString() },
      },
    ];
    if (raise) {
      entries.push({
        at: now,
        by: null,
        kind: 'priority',
        text: null,
        visibility: null,
        from: c.priority,
        to: raise.priority,
        meta: { auto: 'breach' },
      });
    }
    const res = await CaseModel.updateOne(
      { _id: c._id, version: c.version, [field]: false },
      { $set: set, $push: { timeline: { $each: entries } } },
    );
    if (res.modifiedCount !== 1) return null;
    // Two instances' conditional updates can both report success on FerretDB (seen in the
    // two-instance reliability test): one unique key decides which of them flagged it.
    const dueAt = (window === 'ack' ? c.ackDueAt : c.resolveDueAt).toISOString();
    if (!(await firstTime(`case-breach:${c._id.toHexString()}:${window}:${dueAt}`, now))) return null;
    await recordAudit(SYSTEM, {
      action: `case.${window}_breach`,
      entity: 'case',
      entityId: c._id,
      meta: { number: c.number },
    });
    if (raise) {
      await recordAudit(SYSTEM, {
        action: 'case.priority',
        entity: 'case',
        entityId: c._id,
        changes: [
          { field: 'priority', before: c.priority, after: raise.priority },
          ...Object.entries(raise.due).map(([field, after]) => ({
            field,
            before: c[field as 'ackDueAt' | 'resolveDueAt'],
            after,
          })),
        ],
        meta: { number: c.number, reason: `${window}_breach` },
      });
    }
    return c;
  });
}

/**
 * The stored `open` key of cases written before it existed (the job runs this once per database,
 * through backfillOnce).
 */
export async function backfillOpenKey(): Promise<void> {
  const missing = { open: trusted({ $exists: false }) };
  await CaseModel.updateMany(
    { ...missing, status: trusted({ $in: [...OPEN_STATUSES] }) },
    { $set: { open: true } },
  );
  await CaseModel.updateMany(
    { ...missing, status: trusted({ $nin: [...OPEN_STATUSES] }) },
    { $set: { open: false } },
  );
}

/**
 * Flags cases past their acknowledge or resolve due time (not paused, not met) as breached, once,
 * and notifies the desk lead and every manager. Safe to run twice and in two instances: the
 * flag is a conditional update, and each notification has a dedupe key (case, window, due time),
 * so even a flag written twice in a race notifies once.
 */
export async function escalateCases(now: Date): Promise<EscalationRun> {
  const run: EscalationRun = { flagged: 0, notified: 0 };
  await backfillOnce('backfill:cases.open', backfillOpenKey);
  const managers = await managerIds();
  for (const window of ['ack', 'resolve'] as const) {
    // `open` and the breach flag reach PostgreSQL on FerretDB, so this reads only open, unflagged
    // cases; with `status: {$in}` every run decoded every case ever logged, once a minute.
    const due = await CaseModel.find(dueFilter(window, now), { _id: 1 }).limit(BATCH).lean();
    for (const { _id } of due) {
      const c = await flag(_id, window, now);
      if (!c) continue;
      run.flagged += 1;
      const leads = await deskLeads([c.desk]);
      const recipients = new Map([...leads, ...managers].map((u) => [u.toHexString(), u]));
      const dueAt = window === 'ack' ? c.ackDueAt : c.resolveDueAt;
      for (const [hex, user] of recipients) {
        const { created } = await notify(
          user,
          {
            kind: `case.${window}_breach`,
            titleKey:
              window === 'ack' ? 'cases.notifications.ackBreach' : 'cases.notifications.resolveBreach',
            params: { number: c.number },
            link: `/cases/${c._id.toHexString()}`,
            dedupeKey: `case:${c._id.toHexString()}:${window}-breach:${dueAt.toISOString()}:${hex}`,
          },
          now,
        );
        if (created) run.notified += 1;
      }
    }
  }
  if (run.flagged) logger.info(run, 'case SLA breaches escalated');
  return run;
}

export function defineCaseJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_ESCALATE_CASES, async () => {
    await escalateCases(new Date());
  });
  return [{ name: JOB_ESCALATE_CASES, interval: '1 minute' }];
}

import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { recordAudit, type AuditContext, type Change } from '../audit/index.js';
import {
  deskMemberIds,
  findDesk,
  pauseClock,
  recomputeClock,
  restartResolveClock,
  resumeClock,
} from '../desks/index.js';
import { notify } from '../notifications/index.js';
import { PartnerModel } from '../partners/index.js';
import { caseAccess } from './case-access.js';
import { clockFields, clockOf, derivedDue, isOpen, weekKey } from './case-clock.js';
import { runSerially } from '../../lib/serial.js';
import {
  CaseModel,
  type CasePriority,
  type CaseStatus,
  type ComplaintCase,
  type ResolutionCode,
  type TimelineKind,
} from './case.model.js';
import { canTransition, PLAIN_STATUS_MOVES, REOPEN_WINDOW_MS } from './transitions.js';

type Id = Types.ObjectId | string;
const oid = (id: Id) => new Types.ObjectId(String(id));

export interface ActionOptions {
  /** The version of the case the user saw: a newer one makes the action a 409. */
  version: number;
  now?: Date;
}

interface Entry {
  kind: TimelineKind;
  text?: string | null;
  visibility?: 'internal' | 'external' | null;
  from?: string | null;
  to?: string | null;
  meta?: Record<string, unknown> | null;
}

interface Plan {
  set: Record<string, unknown>;
  addToSet?: Record<string, unknown>;
  entries: Entry[];
  action: string;
  changes?: Change[];
  after?: (updated: ComplaintCase) => Promise<void>;
}

/**
 * Runs one action on a case: in this process one at a time per case, checked against the
 * version the user saw, written as one update conditioned on that version (timeline entries
 * pushed in the same update), then audited. A stale version or a lost race answers 409.
 */
async function act(
  id: Id,
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
  build: (c: ComplaintCase, now: Date) => Plan | Promise<Plan>,
): Promise<ComplaintCase> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  return runSerially(`case:${String(id)}`, async () => {
    const now = opts.now ?? new Date();
    const c = await CaseModel.findById(oid(id)).lean<ComplaintCase>();
    if (!c) throw new NotFoundError();
    const access = caseAccess(user, c);
    if (!access.read) throw new NotFoundError();
    if (!access.work) throw new ForbiddenError('cases.errors.notYourDesk');
    if (c.version !== opts.version) throw new ConflictError('cases.errors.stale');
    const plan = await build(c, now);
    const merged = { ...c, ...plan.set } as ComplaintCase;
    const set = { ...plan.set, ...derivedDue(merged), version: c.version + 1 };
    const update: Record<string, unknown> = {
      $set: set,
      $push: {
        timeline: {
          $each: plan.entries.map((e) => ({
            at: now,
            by: user._id,
            text: null,
            visibility: null,
            from: null,
            to: null,
            meta: null,
            ...e,
          })),
        },
      },
    };
    if (plan.addToSet) update.$addToSet = plan.addToSet;
    const res = await CaseModel.updateOne({ _id: c._id, version: c.version }, update);
    if (res.modifiedCount !== 1) throw new ConflictError('cases.errors.stale');
    const updated = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    await recordAudit(ctx, {
      action: plan.action,
      entity: 'case',
      entityId: c._id,
      changes: plan.changes ?? [],
      meta: { number: c.number },
    });
    if (plan.after) await plan.after(updated);
    return updated;
  });
}

const change = (field: string, before: unknown, after: unknown): Change => ({
  field,
  before: before instanceof Types.ObjectId ? before.toHexString() : (before ?? null),
  after: after instanceof Types.ObjectId ? after.toHexString() : (after ?? null),
});

/** Acknowledging: the first handling of a case stops its acknowledge clock. */
function ackSet(c: ComplaintCase, now: Date): Record<string, unknown> {
  if (c.acknowledgedAt) return {};
  return { acknowledgedAt: now, ackWithinSla: now.getTime() <= c.ackDueAt.getTime() };
}

/** A status change with the SLA consequences of entering or leaving awaiting_partner. */
function statusSet(c: ComplaintCase, to: CaseStatus, now: Date): Record<string, unknown> {
  if (!canTransition(c.status, to)) throw new ConflictError('cases.errors.transition');
  let clock = clockOf(c);
  if (to === 'awaiting_partner') clock = pauseClock(clock, now);
  else if (c.status === 'awaiting_partner') clock = resumeClock(clock, now);
  return { status: to, ...clockFields(clock) };
}

function statusEntry(from: CaseStatus, to: CaseStatus): Entry {
  return { kind: 'status', from, to };
}

export function acknowledgeCase(id: Id, user: Express.User, ctx: AuditContext, opts: ActionOptions) {
  return act(id, user, ctx, opts, (c, now) => {
    if (c.acknowledgedAt || !isOpen(c.status)) throw new ConflictError('cases.errors.alreadyAcknowledged');
    const set: Record<string, unknown> = ackSet(c, now);
    const entries: Entry[] = [{ kind: 'acknowledged' }];
    if (c.status === 'new') {
      Object.assign(set, statusSet(c, 'triaged', now));
      entries.push(statusEntry(c.status, 'triaged'));
    }
    return { set, entries, action: 'case.acknowledge', changes: [change('acknowledgedAt', null, now)] };
  });
}

export function assignCase(
  id: Id,
  assignee: string,
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, async (c, now) => {
    if (!isOpen(c.status)) throw new ConflictError('cases.errors.notOpen');
    const members = await deskMemberIds(c.desk);
    const to = members.find((m) => m.equals(assignee));
    if (!to) throw new ValidationError({ assignee: 'cases.errors.assignee' });
    if (c.assignee?.equals(to)) throw new ValidationError({ assignee: 'cases.errors.sameAssignee' });
    const set: Record<string, unknown> = { assignee: to, ...ackSet(c, now) };
    const entries: Entry[] = [
      { kind: 'assigned', from: c.assignee?.toHexString() ?? null, to: to.toHexString() },
    ];
    if (c.status === 'new' || c.status === 'triaged' || c.status === 'reopened') {
      Object.assign(set, statusSet(c, 'assigned', now));
      entries.push(statusEntry(c.status, 'assigned'));
    }
    return {
      set,
      entries,
      action: 'case.assign',
      changes: [change('assignee', c.assignee, to)],
      after: async (updated) => {
        if (to.equals(user._id)) return;
        await notify(
          to,
          {
            kind: 'case.assigned',
            titleKey: 'cases.notifications.assigned',
            params: { number: updated.number },
            link: `/cases/${updated._id.toHexString()}`,
            dedupeKey: `case:${updated._id.toHexString()}:assigned:${updated.version}`,
          },
          now,
        );
      },
    };
  });
}

/** The plain moves (triage, start work, wait on a partner, resume); the others have their own actions. */
export function changeStatus(
  id: Id,
  to: CaseStatus,
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, (c, now) => {
    if (!PLAIN_STATUS_MOVES.includes(to)) throw new ValidationError({ status: 'cases.errors.useAction' });
    if (!canTransition(c.status, to)) throw new ConflictError('cases.errors.transition');
    if (to === 'in_progress' && !c.assignee)
      throw new ValidationError({ status: 'cases.errors.needsAssignee' });
    return {
      set: { ...statusSet(c, to, now), ...ackSet(c, now) },
      entries: [statusEntry(c.status, to)],
      action: 'case.status',
      changes: [change('status', c.status, to)],
    };
  });
}

export function addNote(
  id: Id,
  input: { note: string; visibility: 'internal' | 'external'; partnerContacted: boolean },
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, () => ({
    set: {},
    entries: [
      {
        kind: input.partnerContacted ? 'partner_contacted' : 'note',
        text: input.note,
        visibility: input.visibility,
      },
    ],
    action: 'case.note',
    changes: [change('note', null, input.visibility)],
  }));
}

export function linkPartners(
  id: Id,
  partnerIds: string[],
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, async (c) => {
    const wanted = [...new Set(partnerIds)].filter((p) => !c.partners.some((q) => q.equals(p)));
    if (!wanted.length) throw new ValidationError({ partners: 'cases.errors.partnersLinked' });
    const found = await PartnerModel.find(
      { _id: trusted({ $in: wanted.map(oid) }), archivedAt: null, mergedInto: null },
      { name: 1 },
    ).lean();
    if (found.length !== wanted.length) throw new ValidationError({ partners: 'cases.errors.partners' });
    const ids = found.map((p) => p._id);
    return {
      set: { partners: [...c.partners, ...ids] },
      entries: found.map((p) => ({
        kind: 'partner_linked' as const,
        to: p._id.toHexString(),
        meta: { name: p.name },
      })),
      action: 'case.link_partners',
      changes: [change('partners', c.partners.map(String), [...c.partners, ...ids].map(String))],
    };
  });
}

export function changePriority(
  id: Id,
  priority: CasePriority,
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, async (c, now) => {
    if (!isOpen(c.status)) throw new ConflictError('cases.errors.notOpen');
    if (c.priority === priority) throw new ValidationError({ priority: 'cases.errors.samePriority' });
    const desk = await findDesk(c.desk);
    const clock = recomputeClock(clockOf(c), desk.sla[priority]);
    const set: Record<string, unknown> = { priority, ...clockFields(clock) };
    // A due time moved past now un-breaches the window (it can breach, and notify, again).
    if (c.ackBreached && !c.acknowledgedAt && clock.ackDueAt > now) set.ackBreached = false;
    if (c.resolveBreached && clock.resolveDueAt > now) set.resolveBreached = false;
    return {
      set,
      entries: [{ kind: 'priority', from: c.priority, to: priority }],
      action: 'case.priority',
      changes: [
        change('priority', c.priority, priority),
        change('ackDueAt', c.ackDueAt, clock.ackDueAt),
        change('resolveDueAt', c.resolveDueAt, clock.resolveDueAt),
      ],
    };
  });
}

export function resolveCase(
  id: Id,
  input: { resolutionCode: ResolutionCode; resolutionText: string },
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, (c, now) => {
    const set = { ...statusSet(c, 'resolved', now), ...ackSet(c, now) } as Record<string, unknown> & {
      resolveDueAt: Date;
      resolveStartedAt: Date;
      pausedMs: number;
    };
    Object.assign(set, {
      resolvedAt: now,
      resolution: { code: input.resolutionCode, text: input.resolutionText },
      resolvedWeek: weekKey(now),
      resolvedWithinSla: now.getTime() <= set.resolveDueAt.getTime(),
      resolveMs: Math.max(0, now.getTime() - set.resolveStartedAt.getTime() - set.pausedMs),
    });
    return {
      set,
      entries: [
        statusEntry(c.status, 'resolved'),
        { kind: 'resolved', text: input.resolutionText, meta: { code: input.resolutionCode } },
      ],
      action: 'case.resolve',
      changes: [change('status', c.status, 'resolved'), change('resolution', null, input.resolutionCode)],
    };
  });
}

export function closeCase(id: Id, user: Express.User, ctx: AuditContext, opts: ActionOptions) {
  return act(id, user, ctx, opts, (c, now) => ({
    set: { ...statusSet(c, 'closed', now), closedAt: now },
    entries: [statusEntry(c.status, 'closed'), { kind: 'closed' }],
    action: 'case.close',
    changes: [change('status', c.status, 'closed')],
  }));
}

/** Reopening within 30 days of resolution starts a fresh resolve clock from the desk's policy. */
export function reopenCase(
  id: Id,
  reason: string,
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, async (c, now) => {
    if (!canTransition(c.status, 'reopened')) throw new ConflictError('cases.errors.transition');
    if (!c.resolvedAt || now.getTime() - c.resolvedAt.getTime() > REOPEN_WINDOW_MS) {
      throw new ConflictError('cases.errors.reopenWindow');
    }
    const desk = await findDesk(c.desk);
    const clock = restartResolveClock(clockOf(c), desk.sla[c.priority], now);
    return {
      set: {
        status: 'reopened',
        ...clockFields(clock),
        reopenedAt: now,
        resolvedAt: null,
        closedAt: null,
        resolvedWeek: null,
        resolvedWithinSla: null,
        resolveMs: null,
        resolveBreached: false,
        resolveBreachedAt: null,
        resolution: { code: null, text: null },
      },
      entries: [statusEntry(c.status, 'reopened'), { kind: 'reopened', text: reason }],
      action: 'case.reopen',
      changes: [
        change('status', c.status, 'reopened'),
        change('resolveDueAt', c.resolveDueAt, clock.resolveDueAt),
      ],
    };
  });
}

/**
 * Hands the case to another desk with a note. The old desk joins pastDesks (its members keep
 * read access to the history), the assignee is cleared (they belong to the old desk), an active
 * case goes back to triaged for the receiving desk, SLA due times are kept (the complainant's
 * clock does not restart), and the receiving desk's lead is notified.
 */
export function transferCase(
  id: Id,
  input: { toDesk: string; transferNote: string },
  user: Express.User,
  ctx: AuditContext,
  opts: ActionOptions,
) {
  return act(id, user, ctx, opts, async (c, now) => {
    if (!isOpen(c.status)) throw new ConflictError('cases.errors.notOpen');
    if (c.desk.equals(input.toDesk)) throw new ValidationError({ toDesk: 'cases.errors.sameDesk' });
    const [from, to] = await Promise.all([
      findDesk(c.desk).catch(() => null),
      findDesk(input.toDesk).catch(() => null),
    ]);
    if (!to || to.archivedAt) throw new ValidationError({ toDesk: 'cases.errors.desk' });
    let clock = clockOf(c);
    if (c.status === 'awaiting_partner') clock = resumeClock(clock, now);
    const status: CaseStatus = c.status === 'new' ? 'new' : 'triaged';
    const entries: Entry[] = [
      {
        kind: 'transferred',
        text: input.transferNote,
        visibility: 'internal',
        from: c.desk.toHexString(),
        to: to._id.toHexString(),
        meta: { fromName: from?.name ?? '', toName: to.name },
      },
    ];
    if (status !== c.status) entries.push(statusEntry(c.status, status));
    return {
      set: {
        desk: to._id,
        pastDesks: [...c.pastDesks.filter((d) => !d.equals(to._id) && !d.equals(c.desk)), c.desk],
        assignee: null,
        status,
        ...clockFields(clock),
      },
      entries,
      action: 'case.transfer',
      changes: [change('desk', c.desk, to._id), change('assignee', c.assignee, null)],
      after: async (updated) => {
        if (!to.lead) return;
        await notify(
          to.lead,
          {
            kind: 'case.transferred',
            titleKey: 'cases.notifications.transferred',
            params: { number: updated.number, from: from?.name ?? '', to: to.name },
            link: `/cases/${updated._id.toHexString()}`,
            dedupeKey: `case:${updated._id.toHexString()}:transfer:${updated.version}`,
          },
          now,
        );
      },
    };
  });
}

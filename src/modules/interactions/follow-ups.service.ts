import { Types } from 'mongoose';
import { allOf, trusted } from '../../lib/db/index.js';
import { decodeCursor, encodeCursor, type Page } from '../../lib/cursor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { canOnRecord } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { InteractionModel, type Interaction } from './interaction.model.js';
import {
  findInteraction,
  followUpDayProblem,
  followUpInstant,
  ROW_FIELDS,
  type InteractionRow,
} from './interactions.service.js';

export const FOLLOW_UPS_PAGE_SIZE = 50;

const oid = (id: Types.ObjectId | string) => new Types.ObjectId(String(id));

export interface FollowUpFilter {
  state: 'open' | 'done';
  /** One assignee, or null for everyone's (managers and admins). */
  assignee: Types.ObjectId | string | null;
  after?: string | undefined;
}

/**
 * Open follow-ups by due date, earliest first (so overdue ones lead), or done ones most
 * recently done first; keyset-paginated on the sort date and _id.
 */
export async function listFollowUps(
  filter: FollowUpFilter,
  limit = FOLLOW_UPS_PAGE_SIZE,
): Promise<Page<InteractionRow>> {
  const open = filter.state === 'open';
  const field = open ? 'followUpAt' : 'followUpDoneAt';
  const dir = open ? 1 : -1;
  const and: Record<string, unknown>[] = [
    { followUpDone: !open, deletedAt: null, followUpAt: trusted({ $ne: null }) },
  ];
  if (filter.assignee) and.push({ followUpAssignee: oid(filter.assignee) });
  const cursor = decodeCursor(filter.after);
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const id = new Types.ObjectId(cursor.id);
    const beyond = dir === 1 ? '$gt' : '$lt';
    and.push({
      $or: [{ [field]: trusted({ [beyond]: at }) }, { [field]: at, _id: trusted({ [beyond]: id }) }],
    });
  }
  const rows = await InteractionModel.find(allOf(and), ROW_FIELDS)
    .sort({ [field]: dir, _id: dir })
    .limit(limit + 1)
    .lean<InteractionRow[]>();
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  const value = (r: InteractionRow) => (open ? r.followUpAt : r.followUpDoneAt)?.getTime() ?? 0;
  return {
    rows: pageRows,
    next: hasMore && last ? encodeCursor({ v: value(last), id: last._id.toHexString() }) : undefined,
  };
}

/** The assignee, the interaction's author, and managers/admins may mark done or reschedule. */
export function canChangeFollowUp(
  user: Express.User | undefined,
  doc: Pick<Interaction, 'by' | 'followUpAssignee'>,
): boolean {
  return (
    canOnRecord(user, 'followups.update', doc.followUpAssignee) ||
    canOnRecord(user, 'followups.update', doc.by)
  );
}

async function findFollowUp(id: Types.ObjectId | string, user: Express.User): Promise<Interaction> {
  const doc = await findInteraction(id);
  if (!doc.followUpAt) throw new NotFoundError();
  if (!canChangeFollowUp(user, doc)) throw new ForbiddenError();
  return doc;
}

const FOLLOW_UP_FIELDS = ['followUpAt', 'followUpDone', 'followUpDoneAt'] as const;

export async function markFollowUpDone(
  id: Types.ObjectId | string,
  user: Express.User,
  ctx: AuditContext,
  now = new Date(),
): Promise<Interaction> {
  const before = await findFollowUp(id, user);
  if (before.followUpDone) return before;
  await InteractionModel.updateOne(
    { _id: before._id, deletedAt: null, followUpDone: false },
    {
      $set: { followUpDone: true, followUpDoneAt: now, followUpDoneBy: user._id, followUpRemindAt: null },
    },
  );
  const after = await findInteraction(id);
  await recordAudit(ctx, {
    action: 'followup.done',
    entity: 'interaction',
    entityId: after._id,
    changes: diffFields(before, after, FOLLOW_UP_FIELDS),
  });
  return after;
}

/**
 * Moves the due date (day in the user's zone) and opens the follow-up again. The reminder state
 * is cleared, so the new date reminds again even if the old one already had.
 */
export async function rescheduleFollowUp(
  id: Types.ObjectId | string,
  day: string,
  user: Express.User,
  ctx: AuditContext,
  opts: { timeZone: string; now?: Date },
): Promise<Interaction> {
  const now = opts.now ?? new Date();
  const before = await findFollowUp(id, user);
  const problem = followUpDayProblem(day, opts.timeZone, now);
  if (problem) throw new ValidationError({ followUpAt: problem });
  const followUpAt = followUpInstant(day, opts.timeZone);
  await InteractionModel.updateOne(
    { _id: before._id, deletedAt: null },
    {
      $set: {
        followUpAt,
        followUpDone: false,
        followUpDoneAt: null,
        followUpDoneBy: null,
        followUpRemindAt: followUpAt,
        followUpNotifiedFor: null,
      },
    },
  );
  const after = await findInteraction(id);
  const changes = diffFields(before, after, FOLLOW_UP_FIELDS);
  if (changes.length) {
    await recordAudit(ctx, {
      action: 'followup.reschedule',
      entity: 'interaction',
      entityId: after._id,
      changes,
    });
  }
  return after;
}

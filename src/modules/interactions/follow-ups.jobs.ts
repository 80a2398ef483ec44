import type { Agenda } from 'agenda';
import type { Types } from 'mongoose';
import { config } from '../../config/index.js';
import { trusted } from '../../lib/db/index.js';
import { formatDate, translator } from '../../lib/i18n.js';
import type { Recurring } from '../../lib/jobs.js';
import { logger } from '../../lib/logger.js';
import { mailEnabled, sendMail } from '../../lib/mailer.js';
import { backfillOnce } from '../../lib/once.js';
import { notify } from '../notifications/index.js';
import { partnerNames } from '../partners/index.js';
import { UserModel, type User } from '../users/index.js';
import { InteractionModel } from './interaction.model.js';

export const JOB_REMIND_FOLLOW_UPS = 'followups.remind';

/** How long a claimed reminder stays claimed: a run that dies mid-way is retried after this. */
export const CLAIM_LEASE_MS = 10 * 60_000;
const BATCH = 200;
const MAX_BATCHES = 10;

export interface ReminderRun {
  /** Follow-ups this run claimed and finished. */
  reminded: number;
  /** Notifications it created (a retry after a crash finds them already there). */
  notified: number;
  emailed: number;
}

function excerpt(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Claims one pending reminder: an atomic update that succeeds only while the follow-up is still
 * open, not deleted, and its reminder state is the one the caller saw. Of two callers racing,
 * one gets the document and the other null. The claim moves the reminder to `lease`, so a run
 * that dies before finishing is retried then.
 */
export async function claimReminder(id: Types.ObjectId, seen: Date, lease: Date) {
  return InteractionModel.findOneAndUpdate(
    {
      _id: id,
      followUpRemindAt: seen,
      followUpDone: false,
      deletedAt: null,
      followUpAt: trusted({ $ne: null }),
      followUpAssignee: trusted({ $ne: null }),
    },
    { $set: { followUpRemindAt: lease } },
    { returnDocument: 'after' },
  ).lean();
}

/**
 * Flags the pending reminders of a database written before followUpReminderPending existed (the
 * job runs it once per database, through backfillOnce). Returns how many it flagged.
 */
export async function backfillReminderFlags(): Promise<number> {
  const res = await InteractionModel.updateMany(
    { followUpRemindAt: trusted({ $ne: null }), followUpReminderPending: trusted({ $ne: true }) },
    { $set: { followUpReminderPending: true } },
  );
  return res.modifiedCount;
}

type Assignee = Pick<User, '_id' | 'email' | 'name' | 'locale' | 'timeZone' | 'disabledAt'>;

/**
 * Reminds assignees of follow-ups that have fallen due: an in-app notification, and an e-mail
 * when SMTP is configured. Safe to run twice and in two instances at once: each follow-up is
 * claimed with an atomic update conditioned on its reminder state, and the notification's
 * dedupe key (interaction, assignee, due date) would stop a second one anyway. The e-mail goes
 * out only from the run that created the notification.
 */
export async function remindDueFollowUps(now: Date): Promise<ReminderRun> {
  const run: ReminderRun = { reminded: 0, notified: 0, emailed: 0 };
  await backfillOnce('backfill:interactions.followUpReminderPending', backfillReminderFlags);
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const due = await InteractionModel.find(
      { followUpReminderPending: true, followUpRemindAt: trusted({ $lte: now }) },
      { partner: 1, followUpRemindAt: 1 },
    )
      .sort({ followUpRemindAt: 1, _id: 1 })
      .limit(BATCH)
      .lean();
    if (!due.length) break;
    const names = await partnerNames(due.map((d) => d.partner));
    let progressed = false;
    for (const candidate of due) {
      const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
      const claimed = await claimReminder(candidate._id, candidate.followUpRemindAt!, lease);
      if (!claimed) {
        // Claimed by another run, or done/deleted meanwhile: clear a stale reminder so it stops matching.
        await InteractionModel.updateOne(
          {
            _id: candidate._id,
            followUpRemindAt: candidate.followUpRemindAt,
            $or: [
              { followUpDone: true },
              { deletedAt: trusted({ $ne: null }) },
              { followUpAt: null },
              { followUpAssignee: null },
            ],
          },
          { $set: { followUpRemindAt: null } },
        );
        continue;
      }
      progressed = true;
      const dueAt = claimed.followUpAt!;
      const assigneeId = claimed.followUpAssignee!;
      const partnerName = names.get(String(claimed.partner))?.name ?? '';
      const link = `/interactions/${claimed._id.toHexString()}`;
      const { created } = await notify(
        assigneeId,
        {
          kind: 'followup.due',
          titleKey: 'notifications.kinds.followUpDue',
          params: { partner: partnerName, summary: excerpt(claimed.summary) },
          link,
          dedupeKey: `followup:${claimed._id.toHexString()}:${assigneeId.toHexString()}:${dueAt.toISOString()}`,
        },
        now,
      );
      if (created) {
        run.notified += 1;
        if (mailEnabled()) {
          const user = await UserModel.findOne(
            { _id: assigneeId, disabledAt: null },
            { email: 1, name: 1, locale: 1, timeZone: 1, disabledAt: 1 },
          ).lean<Assignee>();
          if (user && (await emailReminder(user, partnerName, dueAt, claimed.summary, link)) === 'sent') {
            run.emailed += 1;
          }
        }
      }
      // Done only if nobody changed the follow-up meanwhile (a reschedule sets its own state).
      const finished = await InteractionModel.updateOne(
        { _id: claimed._id, followUpRemindAt: lease },
        { $set: { followUpRemindAt: null, followUpNotifiedFor: dueAt } },
      );
      if (finished.modifiedCount) run.reminded += 1;
    }
    if (!progressed || due.length < BATCH) break;
  }
  if (run.reminded) logger.info(run, 'follow-up reminders sent');
  return run;
}

function emailReminder(
  user: Assignee,
  partner: string,
  dueAt: Date,
  summary: string,
  link: string,
): Promise<'sent' | 'disabled' | 'failed'> {
  const t = translator(user.locale);
  const due = formatDate(dueAt, user.locale, user.timeZone, false);
  return sendMail({
    to: user.email,
    subject: t('followUps.email.subject', { partner }),
    text: [
      t('followUps.email.greeting', { name: user.name }),
      '',
      t('followUps.email.body', { partner, due }),
      '',
      excerpt(summary, 500),
      '',
      `${config.appUrl}${link}`,
    ].join('\n'),
  });
}

export function defineFollowUpJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_REMIND_FOLLOW_UPS, async () => {
    await remindDueFollowUps(new Date());
  });
  return [{ name: JOB_REMIND_FOLLOW_UPS, interval: '1 minute' }];
}

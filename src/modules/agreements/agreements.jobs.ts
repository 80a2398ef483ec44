import type { Agenda } from 'agenda';
import type { Types } from 'mongoose';
import { config } from '../../config/index.js';
import { trusted } from '../../lib/db/index.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { formatDate, translator } from '../../lib/i18n.js';
import type { Recurring } from '../../lib/jobs.js';
import { logger } from '../../lib/logger.js';
import { mailEnabled, sendMail } from '../../lib/mailer.js';
import { SYSTEM } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import { UserModel, type User } from '../users/index.js';
import { AgreementModel, type Agreement } from './agreement.model.js';
import { changeStage, officeToday } from './agreements.service.js';
import { addDays, daysBetween, dayString } from './dates.js';
import { UNSIGNED_STAGES, type Stage } from './stages.js';

export const JOB_AGREEMENT_REMINDERS = 'agreements.remind';
export const JOB_AGREEMENT_EXPIRY = 'agreements.expire';

/** Days before expiresAt at which the owner hears about it. */
export const EXPIRY_NOTICES = [90, 30, 7] as const;
const BATCH = 500;

export interface ReminderRun {
  notified: number;
  emailed: number;
}

export interface ExpiryRun {
  expired: number;
}

type Owner = Pick<User, '_id' | 'email' | 'name' | 'locale' | 'timeZone'>;
type Candidate = Pick<
  Agreement,
  '_id' | 'title' | 'owner' | 'expiresAt' | 'expectedSignAt' | 'remindersSent'
>;

/** The notice due now: the smallest threshold reached (an agreement entered at 20 days left gets the 30-day one). */
export function expiryNotice(daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  const reached = EXPIRY_NOTICES.filter((d) => daysLeft <= d);
  return reached.length ? Math.min(...reached) : null;
}

async function loadOwner(id: Types.ObjectId): Promise<Owner | null> {
  return UserModel.findOne(
    { _id: id, disabledAt: null },
    { email: 1, name: 1, locale: 1, timeZone: 1 },
  ).lean<Owner>();
}

/**
 * One reminder: an in-app notification with a dedupe key (so re-runs and a second instance
 * create it once), the e-mail only from the run that created it, then the key is noted on the
 * agreement so later runs skip it without touching notifications.
 */
async function remind(
  a: Candidate,
  key: string,
  titleKey: string,
  params: Record<string, string | number>,
  mail: (owner: Owner) => { subject: string; text: string },
  now: Date,
  run: ReminderRun,
): Promise<void> {
  if (!a.owner) return;
  const { created } = await notify(
    a.owner,
    {
      kind: 'agreement.reminder',
      titleKey,
      params,
      link: `/agreements/${a._id.toHexString()}`,
      dedupeKey: key,
    },
    now,
  );
  if (created) {
    run.notified += 1;
    if (mailEnabled()) {
      const owner = await loadOwner(a.owner);
      if (owner && (await sendMail({ to: owner.email, ...mail(owner) })) === 'sent') run.emailed += 1;
    }
  }
  await AgreementModel.updateOne({ _id: a._id }, { $addToSet: { remindersSent: key } });
}

function link(a: Pick<Agreement, '_id'>): string {
  return `${config.appUrl}/agreements/${a._id.toHexString()}`;
}

/**
 * Owners hear 90, 30 and 7 days before an agreement expires, and once when its expected
 * signing date passes unsigned. Keys carry the date they are about, so moving the date arms
 * the reminders again.
 */
export async function remindAgreements(now: Date): Promise<ReminderRun> {
  const run: ReminderRun = { notified: 0, emailed: 0 };
  const today = officeToday(now);

  const expiring = await AgreementModel.find(
    {
      stage: trusted({ $in: ['signed', 'active'] as Stage[] }),
      expiresAt: trusted({ $gte: today, $lte: addDays(today, Math.max(...EXPIRY_NOTICES)) }),
      owner: trusted({ $ne: null }),
    },
    { title: 1, owner: 1, expiresAt: 1, expectedSignAt: 1, remindersSent: 1 },
  )
    .sort({ expiresAt: 1, _id: 1 })
    .limit(BATCH)
    .lean<Candidate[]>();
  for (const a of expiring) {
    const daysLeft = daysBetween(today, a.expiresAt!);
    const notice = expiryNotice(daysLeft);
    if (notice == null) continue;
    const key = `agreement:${a._id.toHexString()}:expiry:${notice}:${dayString(a.expiresAt)}`;
    if (a.remindersSent.includes(key)) continue;
    await remind(
      a,
      key,
      'agreements.notify.expiring',
      { title: a.title, days: daysLeft, date: dayString(a.expiresAt) },
      (owner) => {
        const t = translator(owner.locale);
        const date = formatDate(a.expiresAt, owner.locale, 'UTC', false);
        return {
          subject: t('agreements.email.expiringSubject', { title: a.title, days: daysLeft }),
          text: [
            t('agreements.email.greeting', { name: owner.name }),
            '',
            t('agreements.email.expiringBody', { title: a.title, date, days: daysLeft }),
            '',
            link(a),
          ].join('\n'),
        };
      },
      now,
      run,
    );
  }

  const overdue = await AgreementModel.find(
    {
      stage: trusted({ $in: [...UNSIGNED_STAGES] }),
      expectedSignAt: trusted({ $lt: today }),
      owner: trusted({ $ne: null }),
    },
    { title: 1, owner: 1, expiresAt: 1, expectedSignAt: 1, remindersSent: 1 },
  )
    .sort({ expectedSignAt: 1, _id: 1 })
    .limit(BATCH)
    .lean<Candidate[]>();
  for (const a of overdue) {
    const key = `agreement:${a._id.toHexString()}:sign-overdue:${dayString(a.expectedSignAt)}`;
    if (a.remindersSent.includes(key)) continue;
    await remind(
      a,
      key,
      'agreements.notify.signOverdue',
      { title: a.title, date: dayString(a.expectedSignAt) },
      (owner) => {
        const t = translator(owner.locale);
        const date = formatDate(a.expectedSignAt, owner.locale, 'UTC', false);
        return {
          subject: t('agreements.email.overdueSubject', { title: a.title }),
          text: [
            t('agreements.email.greeting', { name: owner.name }),
            '',
            t('agreements.email.overdueBody', { title: a.title, date }),
            '',
            link(a),
          ].join('\n'),
        };
      },
      now,
      run,
    );
  }
  if (run.notified) logger.info(run, 'agreement reminders sent');
  return run;
}

/**
 * Agreements whose last day has passed move to `expired`, as the system. Each move goes
 * through changeStage (claim + conditional write), so a re-run or a second instance finds
 * nothing left to do or loses the claim (409) and skips.
 */
export async function expireAgreements(now: Date): Promise<ExpiryRun> {
  const run: ExpiryRun = { expired: 0 };
  const today = officeToday(now);
  const due = await AgreementModel.find(
    { stage: trusted({ $in: ['signed', 'active'] as Stage[] }), expiresAt: trusted({ $lt: today }) },
    { stage: 1, stageVersion: 1 },
  )
    .sort({ expiresAt: 1, _id: 1 })
    .limit(BATCH)
    .lean<Pick<Agreement, '_id' | 'stage' | 'stageVersion'>[]>();
  for (const a of due) {
    try {
      await changeStage(
        a._id,
        {
          to: 'expired',
          fromStage: a.stage as 'signed' | 'active',
          version: a.stageVersion,
          note: null,
          signedAt: null,
          effectiveFrom: null,
          expiresAt: null,
        },
        null,
        SYSTEM,
        now,
      );
      run.expired += 1;
    } catch (err) {
      // Moved meanwhile (by a user or another instance): nothing to do here.
      if (err instanceof ConflictError) continue;
      if (err instanceof ValidationError) {
        logger.warn({ agreement: a._id.toHexString(), fields: err.fields }, 'agreement could not expire');
        continue;
      }
      throw err;
    }
  }
  if (run.expired) logger.info(run, 'agreements expired');
  return run;
}

export function defineAgreementJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_AGREEMENT_REMINDERS, async () => {
    await remindAgreements(new Date());
  });
  agenda.define(JOB_AGREEMENT_EXPIRY, async () => {
    await expireAgreements(new Date());
  });
  return [
    { name: JOB_AGREEMENT_REMINDERS, interval: '1 hour' },
    { name: JOB_AGREEMENT_EXPIRY, interval: '1 hour' },
  ];
}

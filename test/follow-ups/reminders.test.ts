import type { Agenda } from 'agenda';
import { expect } from 'chai';
import { mongoose, trusted } from '../../src/lib/db/index.js';
import { setMailTransport, type MailMessage } from '../../src/lib/mailer.js';
import {
  backfillReminderFlags,
  claimReminder,
  defineFollowUpJobs,
  InteractionModel,
  JOB_REMIND_FOLLOW_UPS,
  remindDueFollowUps,
  rescheduleFollowUp,
  type Interaction,
} from '../../src/modules/interactions/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import type { Partner } from '../../src/modules/partners/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A transport that records what would have been sent (or fails, when told to). */
function fakeMail(failFor: string[] = []) {
  const sent: (MailMessage & { from: string })[] = [];
  return {
    sent,
    transport: {
      sendMail: async (m: MailMessage & { from: string }) => {
        if (failFor.includes(m.to)) throw new Error('SMTP 451 try again later');
        sent.push(m);
      },
    },
  };
}

async function onFerretDb(): Promise<boolean> {
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info || JSON.stringify(info).toLowerCase().includes('ferretdb');
}

function sessionUser(u: TestUser): Express.User {
  return {
    _id: u._id,
    email: u.email,
    name: u.name,
    role: u.role,
    desks: [],
    locale: u.locale,
    timeZone: 'Asia/Shanghai',
  };
}

describe('follow-up reminders (the followups.remind job)', () => {
  useTestApp();
  let assignee: TestUser;
  let partner: Partner;
  const due = new Date('2026-03-02T01:00:00Z');

  beforeEach(async () => {
    await clearDatabase();
    assignee = await createUser({ role: 'coordinator', name: 'Chen Jing', email: 'chen.jing@example.test' });
    partner = await createPartner({ owner: assignee._id, name: 'Vietnam Airlines' });
  });
  afterEach(() => setMailTransport(undefined));

  const followUp = (over: Partial<Parameters<typeof createInteraction>[0]> = {}) =>
    createInteraction({
      partner,
      by: assignee._id,
      followUpAt: due,
      summary: 'Send the 2026 cruise rates',
      ...over,
    });

  it('when a follow-up falls due, then its assignee gets one in-app notification linking to it and one e-mail, and it is marked reminded for that date', async () => {
    const mail = fakeMail();
    setMailTransport(mail.transport, 'crm@alliance.example');
    const f = await followUp();

    expect(await remindDueFollowUps(new Date(due.getTime() - MINUTE))).to.deep.equal({
      reminded: 0,
      notified: 0,
      emailed: 0,
    });
    expect(await NotificationModel.countDocuments()).to.equal(0);

    const run = await remindDueFollowUps(due);
    expect(run).to.deep.equal({ reminded: 1, notified: 1, emailed: 1 });
    const notes = await NotificationModel.find({}).lean();
    expect(notes).to.have.length(1);
    expect(String(notes[0]!.user)).to.equal(assignee._id.toHexString());
    expect(notes[0]).to.include({ kind: 'followup.due', link: `/interactions/${f._id.toHexString()}` });
    // Unread (FerretDB leaves a null out of an upsert's $setOnInsert: missing and null both mean unread).
    expect(notes[0]!.readAt ?? null).to.equal(null);
    expect(notes[0]!.params).to.deep.equal({
      partner: 'Vietnam Airlines',
      summary: 'Send the 2026 cruise rates',
    });

    expect(mail.sent).to.have.length(1);
    expect(mail.sent[0]).to.include({ to: 'chen.jing@example.test', from: 'crm@alliance.example' });
    expect(mail.sent[0]!.subject).to.equal('Follow-up due: Vietnam Airlines');
    expect(mail.sent[0]!.text).to.contain('Send the 2026 cruise rates');
    expect(mail.sent[0]!.text).to.contain(`/interactions/${f._id.toHexString()}`);

    const after = await InteractionModel.findById(f._id).lean();
    expect(after!.followUpNotifiedFor!.getTime()).to.equal(due.getTime());
    expect(after!.followUpRemindAt).to.equal(null);
  });

  it('when followUpRemindAt is written by an update, a findOneAndUpdate or a save, then followUpReminderPending follows it, and the job reminds only flagged follow-ups', async () => {
    const f = await followUp();
    const pending = async () => (await InteractionModel.findById(f._id).lean())!.followUpReminderPending;
    expect(await pending()).to.equal(true);
    await InteractionModel.updateOne({ _id: f._id }, { $set: { followUpRemindAt: null } });
    expect(await pending()).to.equal(false);
    await InteractionModel.updateOne({ _id: f._id }, { followUpRemindAt: due });
    expect(await pending()).to.equal(true);
    await InteractionModel.findOneAndUpdate({ _id: f._id }, { $set: { followUpRemindAt: null } });
    expect(await pending()).to.equal(false);
    const doc = (await InteractionModel.findById(f._id))!;
    doc.followUpRemindAt = due;
    await doc.save();
    expect(await pending()).to.equal(true);

    // A reminder the flag does not know of is not looked at (the backfill below flags old ones).
    await InteractionModel.collection.updateOne({ _id: f._id }, { $set: { followUpReminderPending: false } });
    expect((await remindDueFollowUps(due)).reminded).to.equal(0);
  });

  it('when a database holds reminders written before the flag existed, then the backfill flags them and the job reminds them', async () => {
    const old = await followUp();
    const unrelated = await followUp({ followUpRemindAt: null, summary: 'Reminded already' });
    await InteractionModel.collection.updateMany({}, { $unset: { followUpReminderPending: '' } });

    expect(await backfillReminderFlags()).to.equal(1);
    const flags = await InteractionModel.find({}, { followUpReminderPending: 1 }).lean();
    const byId = new Map(flags.map((r) => [String(r._id), r.followUpReminderPending]));
    expect(byId.get(String(old._id))).to.equal(true);
    expect(byId.get(String(unrelated._id))).to.not.equal(true);

    expect(await remindDueFollowUps(due)).to.include({ reminded: 1, notified: 1 });
  });

  it('when the job runs twice, then there is still one notification and one e-mail', async () => {
    const mail = fakeMail();
    setMailTransport(mail.transport);
    await followUp();
    await remindDueFollowUps(due);
    expect(await remindDueFollowUps(new Date(due.getTime() + MINUTE))).to.deep.equal({
      reminded: 0,
      notified: 0,
      emailed: 0,
    });
    expect(await NotificationModel.countDocuments()).to.equal(1);
    expect(mail.sent).to.have.length(1);
  });

  it('when two instances run the job at the same moment (claims racing), then each follow-up is reminded once', async () => {
    const mail = fakeMail();
    setMailTransport(mail.transport);
    for (let i = 0; i < 5; i += 1) await followUp({ summary: `Follow-up ${i}` });
    const runs = await Promise.all([
      remindDueFollowUps(due),
      remindDueFollowUps(due),
      remindDueFollowUps(due),
    ]);
    expect(runs.reduce((n, r) => n + r.notified, 0)).to.equal(5);
    expect(await NotificationModel.countDocuments()).to.equal(5);
    expect(mail.sent).to.have.length(5);
    expect(new Set(mail.sent.map((m) => m.text)).size).to.equal(5);
  });

  it('when two claims on the same due reminder race, then exactly one gets it; a claim on a stale state gets nothing', async () => {
    const f = await followUp();
    const lease = new Date(due.getTime() + 10 * MINUTE);
    const claims = await Promise.all([claimReminder(f._id, due, lease), claimReminder(f._id, due, lease)]);
    const won = claims.filter((c) => c !== null).length;
    // MongoDB applies a conditional findOneAndUpdate atomically. FerretDB v1 reads, then writes,
    // so both racers may win there (SPEC: do not rely on it for races); the notification's
    // unique dedupe key is then what keeps the reminder single (see the test above).
    if (await onFerretDb()) expect(won).to.be.within(1, 2);
    else expect(won).to.equal(1);
    expect(await claimReminder(f._id, due, lease)).to.equal(null);
    await InteractionModel.updateOne({ _id: f._id }, { $set: { followUpDone: true } });
    expect(await claimReminder(f._id, lease, lease)).to.equal(null);
  });

  it('when a run died after notifying but before finishing, then the retry after the claim lease adds no notification and no e-mail, and finishes it', async () => {
    const mail = fakeMail();
    setMailTransport(mail.transport);
    const f = await followUp();
    await remindDueFollowUps(due);
    // Put it back as a crashed run would leave it: claimed (lease in the past), not finished.
    await InteractionModel.updateOne(
      { _id: f._id },
      { $set: { followUpRemindAt: new Date(due.getTime() + 10 * MINUTE), followUpNotifiedFor: null } },
    );
    const retry = await remindDueFollowUps(new Date(due.getTime() + 11 * MINUTE));
    expect(retry).to.deep.equal({ reminded: 1, notified: 0, emailed: 0 });
    expect(await NotificationModel.countDocuments()).to.equal(1);
    expect(mail.sent).to.have.length(1);
    expect((await InteractionModel.findById(f._id).lean())!.followUpRemindAt).to.equal(null);
  });

  it('when a reminded follow-up is rescheduled, then it reminds again on the new date, not before', async () => {
    const f = await followUp();
    await remindDueFollowUps(due);
    const now = new Date(due.getTime() + DAY);
    await rescheduleFollowUp(
      f._id,
      '2026-03-10',
      sessionUser(assignee),
      { actor: null, ip: null },
      { timeZone: 'Asia/Shanghai', now },
    );
    expect((await remindDueFollowUps(new Date('2026-03-10T00:59:00Z'))).notified).to.equal(0);
    expect((await remindDueFollowUps(new Date('2026-03-10T01:00:00Z'))).notified).to.equal(1);
    const notes = await NotificationModel.find({}).sort({ createdAt: 1 }).lean();
    expect(notes).to.have.length(2);
    expect(new Set(notes.map((n) => n.dedupeKey)).size).to.equal(2);
  });

  it('when follow-ups are done, deleted, not yet due or have no follow-up, then nobody is reminded', async () => {
    await followUp({ followUpDone: true, followUpRemindAt: due });
    await followUp({ deletedAt: new Date(), followUpRemindAt: due });
    await followUp({ followUpAt: new Date(due.getTime() + DAY) });
    await createInteraction({ partner, by: assignee._id });
    expect((await remindDueFollowUps(due)).notified).to.equal(0);
    expect(await NotificationModel.countDocuments()).to.equal(0);
    // The stale pending reminders of the done and deleted ones are cleared, so they stop matching.
    expect(await InteractionModel.countDocuments({ followUpRemindAt: trusted({ $ne: null }) })).to.equal(1);
  });

  it('when SMTP is not configured, then the in-app notification still comes and no e-mail is attempted', async () => {
    setMailTransport(null);
    await followUp();
    expect(await remindDueFollowUps(due)).to.deep.equal({ reminded: 1, notified: 1, emailed: 0 });
  });

  it('when sending one e-mail fails, then it is logged and the run carries on with the others', async () => {
    const other = await createUser({ role: 'manager', email: 'zhang.min@example.test' });
    const mail = fakeMail(['chen.jing@example.test']);
    setMailTransport(mail.transport);
    await followUp({ occurredAt: new Date('2026-03-01T00:00:00Z') });
    await followUp({ followUpAssignee: other._id });
    const run = await remindDueFollowUps(due);
    expect(run).to.deep.equal({ reminded: 2, notified: 2, emailed: 1 });
    expect(mail.sent.map((m) => m.to)).to.deep.equal(['zhang.min@example.test']);
    expect(await NotificationModel.countDocuments()).to.equal(2);
  });

  it('when the assignee is disabled, then the notification is kept for them but no e-mail goes out', async () => {
    const gone = await createUser({ role: 'coordinator', disabledAt: new Date() });
    const mail = fakeMail();
    setMailTransport(mail.transport);
    await followUp({ followUpAssignee: gone._id });
    expect(await remindDueFollowUps(due)).to.deep.equal({ reminded: 1, notified: 1, emailed: 0 });
    expect(mail.sent).to.deep.equal([]);
  });

  it('when the assignee reads Chinese, then the e-mail is in Chinese with the due day in their time zone', async () => {
    const zh = await createUser({ role: 'coordinator', locale: 'zh-CN' });
    const mail = fakeMail();
    setMailTransport(mail.transport);
    await followUp({ followUpAssignee: zh._id });
    await remindDueFollowUps(due);
    expect(mail.sent[0]!.subject).to.equal('跟进到期：Vietnam Airlines');
    expect(mail.sent[0]!.text).to.contain('2026年3月2日');
  });

  it('when the job is defined, then it runs every minute and its handler reminds with the current time', async () => {
    const handlers = new Map<string, () => Promise<void>>();
    const fakeAgenda = { define: (name: string, fn: () => Promise<void>) => handlers.set(name, fn) };
    expect(defineFollowUpJobs(fakeAgenda as unknown as Agenda)).to.deep.equal([
      { name: JOB_REMIND_FOLLOW_UPS, interval: '1 minute' },
    ]);
    setMailTransport(null);
    const f: Interaction = await followUp({ followUpAt: new Date(Date.now() - MINUTE) });
    await handlers.get(JOB_REMIND_FOLLOW_UPS)!();
    expect(await NotificationModel.countDocuments({ link: `/interactions/${f._id.toHexString()}` })).to.equal(
      1,
    );
  });
});

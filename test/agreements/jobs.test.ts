import type { Agenda } from 'agenda';
import { expect } from 'chai';
import { setMailTransport, type MailMessage } from '../../src/lib/mailer.js';
import {
  AgreementModel,
  defineAgreementJobs,
  expireAgreements,
  expiryNotice,
  JOB_AGREEMENT_EXPIRY,
  JOB_AGREEMENT_REMINDERS,
  remindAgreements,
} from '../../src/modules/agreements/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import type { Partner } from '../../src/modules/partners/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createAgreement, day } from '../factories/agreement.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';

const DAY = 86_400_000;
/** Midday UTC: the same calendar day in every office time zone from UTC-11 to UTC+11. */
const at = (text: string): Date => new Date(`${text}T12:00:00.000Z`);

function fakeMail() {
  const sent: (MailMessage & { from: string })[] = [];
  return { sent, transport: { sendMail: async (m: MailMessage & { from: string }) => void sent.push(m) } };
}

describe('agreements: reminder and expiry jobs (controllable clock)', () => {
  useTestApp();
  let owner: TestUser;
  let partner: Partner;

  beforeEach(async () => {
    await clearDatabase();
    owner = await createUser({ role: 'coordinator', name: 'Chen Jing', email: 'chen.jing@example.test' });
    partner = await createPartner({ owner: owner._id });
  });
  afterEach(() => setMailTransport(undefined));

  it('the notice due is the smallest threshold reached: 90, 30 or 7 days', () => {
    expect([120, 91, 90, 60, 31, 30, 8, 7, 1, 0, -1].map(expiryNotice)).to.deep.equal([
      null,
      null,
      90,
      90,
      90,
      30,
      30,
      7,
      7,
      7,
      null,
    ]);
  });

  it('when an active agreement nears its expiry, then the owner is notified once at 90, 30 and 7 days (in-app and e-mail), however often the job runs', async () => {
    const mail = fakeMail();
    setMailTransport(mail.transport, 'crm@alliance.example');
    const a = await createAgreement({
      title: 'Cruise 2026',
      partners: [partner],
      owner: owner._id,
      stage: 'active',
      effectiveFrom: day('2026-01-01'),
      expiresAt: day('2026-12-31'),
    });
    const expires = day('2026-12-31').getTime();
    const dayBefore = (n: number) => new Date(expires - n * DAY + 12 * 3600_000);

    expect((await remindAgreements(dayBefore(91))).notified).to.equal(0);
    expect((await remindAgreements(dayBefore(90))).notified).to.equal(1);
    expect((await remindAgreements(dayBefore(90))).notified).to.equal(0);
    expect((await remindAgreements(dayBefore(45))).notified).to.equal(0);
    expect((await remindAgreements(dayBefore(30))).notified).to.equal(1);
    expect((await remindAgreements(dayBefore(29))).notified).to.equal(0);
    expect((await remindAgreements(dayBefore(7))).notified).to.equal(1);
    expect((await remindAgreements(dayBefore(2))).notified).to.equal(0);

    const notes = await NotificationModel.find({ user: owner._id }).sort({ createdAt: 1 }).lean();
    expect(notes.map((n) => n.params)).to.deep.equal([
      { title: 'Cruise 2026', days: '90', date: '2026-12-31' },
      { title: 'Cruise 2026', days: '30', date: '2026-12-31' },
      { title: 'Cruise 2026', days: '7', date: '2026-12-31' },
    ]);
    expect(notes.every((n) => n.link === `/agreements/${a._id.toHexString()}`)).to.equal(true);
    expect(mail.sent).to.have.length(3);
    expect(mail.sent[0]!.to).to.equal('chen.jing@example.test');
    expect(mail.sent[0]!.subject).to.contain('Cruise 2026');
    expect(mail.sent[0]!.text).to.contain(`/agreements/${a._id.toHexString()}`);
  });

  it('when two instances run the reminder job at the same moment, then one notification and one e-mail go out', async () => {
    const mail = fakeMail();
    setMailTransport(mail.transport);
    await createAgreement({
      partners: [partner],
      owner: owner._id,
      stage: 'active',
      effectiveFrom: day('2026-01-01'),
      expiresAt: day('2026-03-01'),
    });
    const now = at('2026-02-25');
    const runs = await Promise.all([remindAgreements(now), remindAgreements(now), remindAgreements(now)]);
    expect(runs.reduce((s, r) => s + r.notified, 0)).to.equal(1);
    expect(await NotificationModel.countDocuments({ user: owner._id })).to.equal(1);
    expect(mail.sent).to.have.length(1);
  });

  it('when the expected signing date passes unsigned, then the owner hears once; moving the date arms it again; signed ones are left alone', async () => {
    const a = await createAgreement({
      partners: [partner],
      owner: owner._id,
      stage: 'review',
      expectedSignAt: day('2026-03-01'),
    });
    await createAgreement({
      partners: [partner],
      owner: owner._id,
      stage: 'signed',
      expectedSignAt: day('2026-03-01'),
    });
    expect((await remindAgreements(at('2026-03-01'))).notified).to.equal(0);
    expect((await remindAgreements(at('2026-03-02'))).notified).to.equal(1);
    expect((await remindAgreements(at('2026-03-05'))).notified).to.equal(0);
    await AgreementModel.updateOne({ _id: a._id }, { $set: { expectedSignAt: day('2026-03-10') } });
    expect((await remindAgreements(at('2026-03-11'))).notified).to.equal(1);
    const notes = await NotificationModel.find({ user: owner._id }).lean();
    expect(notes.map((n) => n.titleKey)).to.deep.equal([
      'agreements.notify.signOverdue',
      'agreements.notify.signOverdue',
    ]);
  });

  it('when an active agreement is past its expiry day, then it moves to expired as the system, audited, with a history entry; running again changes nothing', async () => {
    const a = await createAgreement({
      partners: [partner],
      owner: owner._id,
      stage: 'active',
      signedAt: day('2024-12-01'),
      effectiveFrom: day('2025-01-01'),
      expiresAt: day('2025-12-31'),
    });
    const notYet = await createAgreement({
      partners: [partner],
      owner: owner._id,
      stage: 'active',
      effectiveFrom: day('2025-01-01'),
      expiresAt: day('2026-01-01'),
    });
    expect((await expireAgreements(at('2025-12-31'))).expired).to.equal(0);
    expect((await expireAgreements(at('2026-01-01'))).expired).to.equal(1);
    expect((await expireAgreements(at('2026-01-01'))).expired).to.equal(0);
    const after = await AgreementModel.findById(a._id).lean();
    expect(after!.stage).to.equal('expired');
    const last = after!.stageHistory[after!.stageHistory.length - 1]!;
    expect(last).to.include({ from: 'active', to: 'expired', by: null });
    const audit = await AuditEntryModel.find({
      entityId: a._id.toHexString(),
      action: 'agreement.stage',
    }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]!.actor).to.equal(null);
    expect(audit[0]!.meta).to.deep.include({ system: true, to: 'expired' });
    expect((await AgreementModel.findById(notYet._id).lean())!.stage).to.equal('active');
  });

  it('when two instances run the expiry job at the same moment, then each agreement expires once (one history entry, one audit entry)', async () => {
    const ids = [];
    for (let i = 0; i < 5; i += 1) {
      const a = await createAgreement({
        partners: [partner],
        owner: owner._id,
        stage: i % 2 ? 'signed' : 'active',
        signedAt: day('2024-12-01'),
        effectiveFrom: day('2025-01-01'),
        expiresAt: day('2025-06-30'),
      });
      ids.push(a._id);
    }
    const now = at('2025-07-02');
    const runs = await Promise.all([expireAgreements(now), expireAgreements(now)]);
    expect(runs[0]!.expired + runs[1]!.expired).to.equal(5);
    for (const id of ids) {
      const a = await AgreementModel.findById(id).lean();
      expect(a!.stage).to.equal('expired');
      expect(a!.stageHistory.filter((h) => h.to === 'expired')).to.have.length(1);
      expect(
        await AuditEntryModel.countDocuments({ entityId: id.toHexString(), action: 'agreement.stage' }),
      ).to.equal(1);
    }
  });

  it('defineAgreementJobs registers both handlers and their hourly schedules', () => {
    const defined: string[] = [];
    const agenda = { define: (name: string) => defined.push(name) } as unknown as Agenda;
    const schedules = defineAgreementJobs(agenda);
    expect(defined).to.deep.equal([JOB_AGREEMENT_REMINDERS, JOB_AGREEMENT_EXPIRY]);
    expect(schedules.map((s) => s.name)).to.deep.equal([JOB_AGREEMENT_REMINDERS, JOB_AGREEMENT_EXPIRY]);
  });
});

import { expect } from 'chai';
import {
  backfillOpenKey,
  CaseModel,
  escalateCases,
  OPEN_STATUSES,
  type ComplaintCase,
} from '../../src/modules/cases/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { captureCommands } from '../support/commands.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createUser } from '../factories/user.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-02T00:00:00Z');

/** Urgent cases (acknowledge 2 h, resolve 24 h) opened at T0 on one desk, one per status. */
async function urgentCases<S extends ComplaintCase['status']>(statuses: readonly S[]) {
  const desk = await createDesk();
  const u = await createUser({ role: 'complaint_officer' });
  const cases: ComplaintCase[] = [];
  for (const status of statuses) {
    cases.push(await createCase({ desk, loggedBy: u._id, status, openedAt: T0, priority: 'urgent' }));
  }
  return cases;
}

describe('cases.escalate job (controllable clock)', () => {
  useTestApp({ monitorCommands: true });

  beforeEach(clearDatabase);

  it('when cases in every open status pass their resolve due time, then each running one is flagged, and the job looks for them by the stored open key (an equality FerretDB hands to PostgreSQL, where a status $in is not)', async () => {
    await urgentCases([...OPEN_STATUSES, 'resolved', 'closed']);
    const { result, commands } = await captureCommands(() =>
      escalateCases(new Date(T0.getTime() + 25 * HOUR)),
    );
    const after = await CaseModel.find(
      {},
      { status: 1, ackBreached: 1, resolveBreached: 1, pausedAt: 1 },
    ).lean();
    const running = after.filter((c) => OPEN_STATUSES.includes(c.status) && !c.pausedAt);
    expect(running.length).to.be.greaterThan(3);
    expect(
      after
        .filter((c) => c.resolveBreached)
        .map((c) => c.status)
        .sort(),
    ).to.deep.equal(running.map((c) => c.status).sort());
    // Windows flagged: every running resolve window, and the acknowledge window of the new case.
    expect(after.filter((c) => c.ackBreached).map((c) => c.status)).to.deep.equal(['new']);
    expect(result.flagged).to.equal(running.length + 1);
    const searches = commands.filter(
      (c) => c.name === 'find' && c.command.find === 'cases' && !c.command.filter._id,
    );
    expect(searches.length).to.be.greaterThan(0);
    for (const search of searches) {
      expect(search.command.filter).to.include({ open: true });
      expect(search.command.filter).to.not.have.property('status');
    }
  });

  it('when a case passes its acknowledge due time, then it is flagged once and the desk lead and managers are notified once, even on re-runs and parallel runs', async () => {
    const lead = await createUser({ role: 'complaint_officer' });
    const m1 = await createUser({ role: 'manager' });
    const m2 = await createUser({ role: 'manager' });
    await createUser({ role: 'manager', disabledAt: new Date() });
    const desk = await createDesk({ lead: lead._id, members: [lead] });
    const t0 = new Date('2026-03-02T00:00:00Z');
    const c = await createCase({ desk, loggedBy: lead._id, openedAt: t0, priority: 'urgent' }); // ack 2 h, resolve 24 h

    const early = await escalateCases(new Date(t0.getTime() + HOUR));
    expect(early.flagged).to.equal(0);

    const at = new Date(t0.getTime() + 3 * HOUR);
    const runs = await Promise.all([escalateCases(at), escalateCases(at), escalateCases(at)]);
    const again = await escalateCases(new Date(at.getTime() + 60_000));
    expect(runs.reduce((s, r) => s + r.flagged, 0) + again.flagged).to.equal(1);
    const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    expect(after.ackBreached).to.equal(true);
    expect(after.resolveBreached).to.equal(false);
    expect(after.timeline.filter((e) => e.kind === 'breach')).to.have.length(1);
    const notes = await NotificationModel.find({ kind: 'case.ack_breach' }).lean();
    expect(notes.map((n) => String(n.user)).sort()).to.deep.equal(
      [lead._id, m1._id, m2._id].map(String).sort(),
    );
    expect(await AuditEntryModel.countDocuments({ action: 'case.ack_breach' })).to.equal(1);
  });

  it('when cases were stored before the open key existed, then the job fills it in from the status once and flags the open ones', async () => {
    const [open, closed] = await urgentCases(['in_progress', 'closed'] as const);
    await CaseModel.collection.updateMany({}, { $unset: { open: '' } });

    await backfillOpenKey();
    const keys = new Map(
      (await CaseModel.collection.find({}, { projection: { open: 1 } }).toArray()).map((c) => [
        String(c._id),
        c.open,
      ]),
    );
    expect(keys.get(String(open!._id))).to.equal(true);
    expect(keys.get(String(closed!._id))).to.equal(false);
    const run = await escalateCases(new Date(T0.getTime() + 25 * HOUR));
    expect(run.flagged).to.equal(1);
    expect((await CaseModel.findById(open!._id).lean<ComplaintCase>())!.resolveBreached).to.equal(true);
  });

  it('when the resolve due time passes, then the resolve breach is flagged; a paused or resolved case is not', async () => {
    const [running, paused, done] = await urgentCases([
      'in_progress',
      'awaiting_partner',
      'resolved',
    ] as const);
    const run = await escalateCases(new Date(T0.getTime() + 25 * HOUR));
    expect(run.flagged).to.equal(1);
    const states = await CaseModel.find({}, { resolveBreached: 1 }).lean();
    const flagged = new Map(states.map((s) => [String(s._id), s.resolveBreached]));
    expect(flagged.get(String(running!._id))).to.equal(true);
    expect(flagged.get(String(paused!._id))).to.equal(false);
    expect(flagged.get(String(done!._id))).to.equal(false);
    // No desk lead and no manager: flagged without anyone to tell.
    expect(run.notified).to.equal(0);
  });

  describe('a desk that raises the priority on a breach', () => {
    it('when the acknowledge time passes, then the priority goes up one step, the running resolve window follows the new priority from its start, and the timeline and audit say the system did it', async () => {
      const desk = await createDesk({ raiseOnBreach: true });
      const u = await createUser({ role: 'complaint_officer' });
      const t0 = new Date('2026-03-02T00:00:00Z');
      const c = await createCase({ desk, loggedBy: u._id, openedAt: t0, priority: 'normal' }); // ack 24 h, resolve 120 h
      const at = new Date(t0.getTime() + 25 * HOUR);

      const runs = await Promise.all([escalateCases(at), escalateCases(at)]);

      expect(runs.reduce((s, r) => s + r.flagged, 0)).to.equal(1);
      const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
      expect(after.priority).to.equal('high');
      expect(after.ackBreached).to.equal(true);
      // The missed due time stays; resolve now follows "high" (72 h from the window start).
      expect(after.ackDueAt.toISOString()).to.equal(new Date(t0.getTime() + 24 * HOUR).toISOString());
      expect(after.resolveDueAt.toISOString()).to.equal(new Date(t0.getTime() + 72 * HOUR).toISOString());
      // Still unacknowledged, so the list keeps sorting it by the missed acknowledge time.
      expect(after.dueAt.toISOString()).to.equal(after.ackDueAt.toISOString());
      expect(after.version).to.equal(c.version + 1);
      const raised = after.timeline.filter((e) => e.kind === 'priority');
      expect(raised).to.have.length(1);
      expect(raised[0]).to.include({ from: 'normal', to: 'high', by: null });
      const audit = await AuditEntryModel.find({ action: 'case.priority' }).lean();
      expect(audit).to.have.length(1);
      expect(audit[0]!.changes.map((ch) => ch.field)).to.deep.equal(['priority', 'resolveDueAt']);
    });

    it('when a raised case later misses its tighter resolve time, then it breaches again and goes up once more; an urgent case stays urgent', async () => {
      const desk = await createDesk({ raiseOnBreach: true });
      const u = await createUser({ role: 'complaint_officer' });
      const t0 = new Date('2026-03-02T00:00:00Z');
      const c = await createCase({ desk, loggedBy: u._id, openedAt: t0, priority: 'high' }); // ack 8 h, resolve 72 h
      const urgent = await createCase({ desk, loggedBy: u._id, openedAt: t0, priority: 'urgent' });

      await escalateCases(new Date(t0.getTime() + 9 * HOUR)); // ack breach: high → urgent, resolve 24 h
      let after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
      expect(after.priority).to.equal('urgent');
      expect(after.resolveDueAt.toISOString()).to.equal(new Date(t0.getTime() + 24 * HOUR).toISOString());

      const run = await escalateCases(new Date(t0.getTime() + 25 * HOUR));
      after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
      expect(after.resolveBreached).to.equal(true);
      expect(after.priority).to.equal('urgent');
      const stayed = (await CaseModel.findById(urgent._id).lean<ComplaintCase>())!;
      expect(stayed.priority).to.equal('urgent');
      expect(stayed.ackBreached && stayed.resolveBreached).to.equal(true);
      expect(stayed.timeline.filter((e) => e.kind === 'priority')).to.have.length(0);
      expect(run.flagged).to.equal(2);
    });

    it('when the desk does not raise (the default), then a breach leaves the priority and due times alone', async () => {
      const desk = await createDesk();
      const u = await createUser({ role: 'complaint_officer' });
      const t0 = new Date('2026-03-02T00:00:00Z');
      const c = await createCase({ desk, loggedBy: u._id, openedAt: t0, priority: 'normal' });
      await escalateCases(new Date(t0.getTime() + 25 * HOUR));
      const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
      expect(after.ackBreached).to.equal(true);
      expect(after.priority).to.equal('normal');
      expect(after.resolveDueAt.toISOString()).to.equal(c.resolveDueAt.toISOString());
    });
  });
});

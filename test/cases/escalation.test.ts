import { expect } from 'chai';
import { CaseModel, escalateCases, type ComplaintCase } from '../../src/modules/cases/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createUser } from '../factories/user.js';

const HOUR = 3_600_000;

describe('cases.escalate job (controllable clock)', () => {
  useTestApp();

  beforeEach(clearDatabase);

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

  it('when the resolve due time passes, then the resolve breach is flagged; a paused or resolved case is not', async () => {
    const desk = await createDesk();
    const u = await createUser({ role: 'complaint_officer' });
    const t0 = new Date('2026-03-02T00:00:00Z');
    const running = await createCase({
      desk,
      loggedBy: u._id,
      status: 'in_progress',
      openedAt: t0,
      priority: 'urgent',
    });
    const paused = await createCase({
      desk,
      loggedBy: u._id,
      status: 'awaiting_partner',
      openedAt: t0,
      priority: 'urgent',
    });
    const done = await createCase({
      desk,
      loggedBy: u._id,
      status: 'resolved',
      openedAt: t0,
      priority: 'urgent',
    });
    const run = await escalateCases(new Date(t0.getTime() + 25 * HOUR));
    expect(run.flagged).to.equal(1);
    const states = await CaseModel.find({}, { resolveBreached: 1 }).lean();
    const flagged = new Map(states.map((s) => [String(s._id), s.resolveBreached]));
    expect(flagged.get(String(running._id))).to.equal(true);
    expect(flagged.get(String(paused._id))).to.equal(false);
    expect(flagged.get(String(done._id))).to.equal(false);
    // No desk lead and no manager: flagged without anyone to tell.
    expect(run.notified).to.equal(0);
  });
});

import { expect } from 'chai';
import {
  CASE_STATUSES,
  CaseModel,
  acknowledgeCase,
  assignCase,
  canTransition,
  changePriority,
  changeStatus,
  closeCase,
  reopenCase,
  resolveCase,
  TRANSITIONS,
  type CaseStatus,
  type ComplaintCase,
} from '../../src/modules/cases/index.js';
import { SYSTEM } from '../../src/modules/audit/index.js';
import type { Desk } from '../../src/modules/desks/index.js';
import { loadSessionUser } from '../../src/modules/users/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createUser, type TestUser } from '../factories/user.js';

const HOUR = 3_600_000;

describe('case status transitions and SLA clocks', () => {
  useTestApp();
  let desk: Desk;
  let a: TestUser;
  let b: TestUser;
  let officer: Express.User;

  beforeEach(async () => {
    await clearDatabase();
    a = await createUser({ role: 'complaint_officer', name: 'Officer A' });
    b = await createUser({ role: 'complaint_officer', name: 'Officer B' });
    desk = await createDesk({ name: 'Thailand desk', members: [a, b] });
    officer = (await loadSessionUser(a._id.toHexString()))!;
  });

  it('when the table is read, then it is exactly the SPEC chain (new → triaged → assigned → in_progress ⇄ awaiting_partner → resolved → closed; reopened)', () => {
    const allowed = CASE_STATUSES.flatMap((from) =>
      CASE_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed).to.deep.equal([
      'new>triaged',
      'new>assigned',
      'triaged>assigned',
      'assigned>in_progress',
      'in_progress>awaiting_partner',
      'in_progress>resolved',
      'awaiting_partner>in_progress',
      'awaiting_partner>resolved',
      'resolved>closed',
      'resolved>reopened',
      'closed>reopened',
      'reopened>assigned',
      'reopened>in_progress',
    ]);
    for (const s of CASE_STATUSES) expect(TRANSITIONS[s]).not.to.include(s);
  });

  /** Tries to move a case to `to` with the action that does it; returns the status afterwards. */
  async function attempt(c: ComplaintCase, to: CaseStatus): Promise<CaseStatus> {
    const opts = { version: c.version };
    const id = c._id;
    try {
      if (to === 'triaged' || to === 'in_progress' || to === 'awaiting_partner') {
        await changeStatus(id, to, officer, SYSTEM, opts);
      } else if (to === 'assigned') {
        await assignCase(id, b._id.toHexString(), officer, SYSTEM, opts);
      } else if (to === 'resolved') {
        await resolveCase(
          id,
          { resolutionCode: 'refund', resolutionText: 'Refunded' },
          officer,
          SYSTEM,
          opts,
        );
      } else if (to === 'closed') {
        await closeCase(id, officer, SYSTEM, opts);
      } else if (to === 'reopened') {
        await reopenCase(id, 'The refund never arrived', officer, SYSTEM, opts);
      }
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== 409 && status !== 422) throw err;
    }
    return (await CaseModel.findById(id).lean<ComplaintCase>())!.status;
  }

  it('when every (from, to) pair is tried through the actions, then exactly the allowed ones happen and refused ones write nothing', async () => {
    const wrong: string[] = [];
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        if (from === to) continue;
        const c = await createCase({ desk, loggedBy: a._id, status: from, assignee: a._id });
        const after = await attempt(c, to);
        const moved = after === to;
        if (moved !== canTransition(from, to)) wrong.push(`${from} → ${to}: ${moved ? 'moved' : 'refused'}`);
        if (!moved) {
          const same = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
          // A refused move changes nothing (reassignment keeps the status but is a different action).
          if (to !== 'assigned' && same.version !== c.version) wrong.push(`${from} → ${to}: wrote`);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('when a case waits on a partner, then the resolve clock pauses and resumes with the paused time added; resolving counts working time only', async () => {
    const t0 = new Date('2026-03-02T00:00:00Z');
    const c = await createCase({
      desk,
      loggedBy: a._id,
      status: 'in_progress',
      assignee: a._id,
      openedAt: t0,
      priority: 'normal',
    });
    const due = c.resolveDueAt.getTime();
    const paused = await changeStatus(c._id, 'awaiting_partner', officer, SYSTEM, {
      version: c.version,
      now: new Date(t0.getTime() + HOUR),
    });
    expect(paused.pausedAt!.getTime()).to.equal(t0.getTime() + HOUR);
    expect(paused.resolveDueAt.getTime()).to.equal(due);
    expect(paused.atRiskAt).to.equal(null);
    const resumed = await changeStatus(c._id, 'in_progress', officer, SYSTEM, {
      version: paused.version,
      now: new Date(t0.getTime() + 4 * HOUR),
    });
    expect(resumed.pausedAt).to.equal(null);
    expect(resumed.pausedMs).to.equal(3 * HOUR);
    expect(resumed.resolveDueAt.getTime()).to.equal(due + 3 * HOUR);
    // Paused again, then resolved straight from awaiting_partner: the second pause ends at resolution.
    const p2 = await changeStatus(c._id, 'awaiting_partner', officer, SYSTEM, {
      version: resumed.version,
      now: new Date(t0.getTime() + 5 * HOUR),
    });
    const done = await resolveCase(
      c._id,
      { resolutionCode: 'apology', resolutionText: 'ok' },
      officer,
      SYSTEM,
      {
        version: p2.version,
        now: new Date(t0.getTime() + 7 * HOUR),
      },
    );
    expect(done.pausedMs).to.equal(5 * HOUR);
    expect(done.resolveMs).to.equal(2 * HOUR);
    expect(done.resolvedWithinSla).to.equal(true);
    expect(done.timeline.filter((e) => e.kind === 'status').map((e) => `${e.from}>${e.to}`)).to.deep.equal([
      'in_progress>awaiting_partner',
      'awaiting_partner>in_progress',
      'in_progress>awaiting_partner',
      'awaiting_partner>resolved',
    ]);
  });

  it('when the priority changes, then both due times are recomputed from the desk policy keeping served pauses', async () => {
    const t0 = new Date('2026-03-02T00:00:00Z');
    const c = await createCase({
      desk,
      loggedBy: a._id,
      status: 'new',
      openedAt: t0,
      priority: 'normal',
      extra: { pausedMs: 2 * HOUR },
    });
    const up = await changePriority(c._id, 'urgent', officer, SYSTEM, {
      version: c.version,
      now: new Date(t0.getTime() + HOUR),
    });
    // urgent on the test policy: ack 2 h, resolve 24 h
    expect(up.ackDueAt.getTime()).to.equal(t0.getTime() + 2 * HOUR);
    expect(up.resolveDueAt.getTime()).to.equal(t0.getTime() + 24 * HOUR + 2 * HOUR);
    expect(up.dueAt.getTime()).to.equal(up.ackDueAt.getTime());
    expect(up.timeline.at(-1)).to.include({ kind: 'priority', from: 'normal', to: 'urgent' });
  });

  it('when a resolved case is reopened within 30 days, then it gets a new resolve clock; after 30 days it is refused', async () => {
    const t0 = new Date('2026-03-02T00:00:00Z');
    const c = await createCase({
      desk,
      loggedBy: a._id,
      status: 'resolved',
      openedAt: t0,
      resolvedAt: new Date(t0.getTime() + HOUR),
    });
    const at = new Date(t0.getTime() + 10 * 24 * HOUR);
    const re = await reopenCase(c._id, 'Complainant wrote again', officer, SYSTEM, {
      version: c.version,
      now: at,
    });
    expect(re.status).to.equal('reopened');
    expect(re.resolveStartedAt.getTime()).to.equal(at.getTime());
    expect(re.resolveDueAt.getTime()).to.equal(at.getTime() + 120 * HOUR);
    expect(re.resolvedAt).to.equal(null);
    const old = await createCase({
      desk,
      loggedBy: a._id,
      status: 'closed',
      openedAt: t0,
      resolvedAt: new Date(t0.getTime() + HOUR),
    });
    let err: unknown;
    try {
      await reopenCase(old._id, 'late', officer, SYSTEM, {
        version: old.version,
        now: new Date(t0.getTime() + 31 * 24 * HOUR),
      });
    } catch (e) {
      err = e;
    }
    expect((err as { message: string }).message).to.equal('cases.errors.reopenWindow');
  });

  it('when an action carries a stale version, then it is a 409 and nothing is written', async () => {
    const c = await createCase({ desk, loggedBy: a._id, status: 'new' });
    await acknowledgeCase(c._id, officer, SYSTEM, { version: c.version });
    let err: unknown;
    try {
      await changePriority(c._id, 'high', officer, SYSTEM, { version: c.version });
    } catch (e) {
      err = e;
    }
    expect((err as { status: number }).status).to.equal(409);
    const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    expect(after.priority).to.equal('normal');
    expect(after.version).to.equal(c.version + 1);
  });

  it('when two actions on one case race with the same version, then one wins and the other is a 409 (no lost update)', async () => {
    const c = await createCase({ desk, loggedBy: a._id, status: 'new' });
    const results = await Promise.allSettled([
      changePriority(c._id, 'high', officer, SYSTEM, { version: c.version }),
      acknowledgeCase(c._id, officer, SYSTEM, { version: c.version }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    expect(after.version).to.equal(c.version + 1);
    expect(after.timeline).to.have.length(c.timeline.length + (after.acknowledgedAt ? 2 : 1));
  });
});

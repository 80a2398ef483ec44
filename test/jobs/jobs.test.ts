import type { Agenda } from 'agenda';
import { expect } from 'chai';
import { mongoose } from '../../src/lib/db/index.js';
import { jobs, startJobs, stopJobs, type JobDefiner } from '../../src/lib/jobs.js';
import { JOB_DEFINERS } from '../../src/jobs.js';
import { defineAuthJobs, JOB_PURGE_SESSIONS, purgeExpiredSessions } from '../../src/modules/auth/index.js';
import { JOB_PURGE_THROTTLES } from '../../src/modules/auth/auth.jobs.js';
import { JOB_REMIND_FOLLOW_UPS } from '../../src/modules/interactions/index.js';
import { JOB_EXPIRE_PLAQUES } from '../../src/modules/plaques/index.js';
import { JOB_PURGE_IDEMPOTENCY_KEYS, JOB_PURGE_RATE_WINDOWS } from '../../src/modules/api/index.js';
import { purgeStaleThrottles, THROTTLE } from '../../src/modules/auth/auth.service.js';
import { LoginThrottleModel } from '../../src/modules/auth/login-throttle.model.js';
import { signIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createUser } from '../factories/user.js';

const MINUTE = 60_000;

/** Every recurring job the app schedules, and how often. */
const RECURRING: Record<string, { interval: string; ms: number }> = {
  [JOB_PURGE_SESSIONS]: { interval: '15 minutes', ms: 15 * MINUTE },
  [JOB_PURGE_THROTTLES]: { interval: '1 hour', ms: 60 * MINUTE },
  [JOB_REMIND_FOLLOW_UPS]: { interval: '1 minute', ms: MINUTE },
  [JOB_EXPIRE_PLAQUES]: { interval: '1 hour', ms: 60 * MINUTE },
  [JOB_PURGE_RATE_WINDOWS]: { interval: '1 hour', ms: 60 * MINUTE },
  [JOB_PURGE_IDEMPOTENCY_KEYS]: { interval: '1 hour', ms: 60 * MINUTE },
  'agreements.remind': { interval: '1 hour', ms: 60 * MINUTE },
  'agreements.expire': { interval: '1 hour', ms: 60 * MINUTE },
  'cases.escalate': { interval: '1 minute', ms: MINUTE },
  'exports.sweep': { interval: '5 minutes', ms: 5 * MINUTE },
  'imports.sweep': { interval: '5 minutes', ms: 5 * MINUTE },
};
const RECURRING_NAMES = Object.keys(RECURRING).sort();

function db() {
  return mongoose.connection.db!;
}

function agendaJobs() {
  return db().collection('agendaJobs');
}

interface Gate {
  started: Promise<void>;
  release: () => void;
  finished: () => boolean;
}

/** A job definer whose one job waits until the test releases it. */
function gatedJob(name: string): { definer: JobDefiner; gate: Gate } {
  let markStarted!: () => void;
  let release!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const released = new Promise<void>((r) => (release = r));
  let finished = false;
  const definer: JobDefiner = (agenda) => {
    agenda.define(name, async () => {
      markStarted();
      await released;
      await db().collection('jobprobe').insertOne({ name, at: new Date() });
      finished = true;
    });
    return [];
  };
  return { definer, gate: { started, release, finished: () => finished } };
}

/** A due one-off job stored before Agenda starts, so the first poll picks it up. */
async function insertDueJob(name: string): Promise<void> {
  await agendaJobs().insertOne({
    name,
    type: 'normal',
    priority: 0,
    data: {},
    nextRunAt: new Date(Date.now() - 1000),
    lockedAt: null,
    disabled: false,
  });
}

describe('background jobs (Agenda on the database)', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);
  afterEach(async function () {
    this.timeout(30_000);
    await stopJobs();
  });

  describe('starting and stopping', () => {
    it('when the jobs start, then each recurring job is stored once with its interval and is not run at once', async () => {
      const before = Date.now();
      const agenda = await startJobs(db(), JOB_DEFINERS);
      expect(jobs()).to.equal(agenda);

      const docs = await agendaJobs().find({}).sort({ name: 1 }).toArray();
      expect(docs.map((d) => d.name)).to.deep.equal(RECURRING_NAMES);
      for (const doc of docs) {
        const expected = RECURRING[doc.name as string]!;
        expect(doc.repeatInterval, doc.name as string).to.equal(expected.interval);
        expect(doc.type, doc.name as string).to.equal('single');
        expect(doc.disabled, doc.name as string).not.to.equal(true);
        // skipImmediate: the first run is one interval away, not at start-up.
        expect((doc.nextRunAt as Date).getTime(), doc.name as string).to.be.at.least(
          before + expected.ms - 1000,
        );
        expect(doc.lastRunAt ?? null, doc.name as string).to.equal(null);
      }

      await stopJobs();
      expect(jobs()).to.equal(undefined);
    });

    it('when the jobs are started and stopped twice in a row, then there is still one document per job name, unlocked', async () => {
      for (let round = 0; round < 2; round += 1) {
        await startJobs(db(), JOB_DEFINERS);
        await stopJobs();
      }
      const counts = await agendaJobs()
        .aggregate<{ _id: string; n: number }>([
          { $group: { _id: '$name', n: { $sum: 1 } } },
          { $sort: { _id: 1 } },
        ])
        .toArray();
      expect(counts).to.deep.equal(RECURRING_NAMES.map((name) => ({ _id: name, n: 1 })));
      expect(await agendaJobs().countDocuments({ lockedAt: { $ne: null } })).to.equal(0);
    });

    it('when another instance already stored a second copy of a schedule (racing upserts on FerretDB), then starting keeps one document per job name, with the current interval', async () => {
      const copy = {
        name: JOB_PURGE_SESSIONS,
        type: 'single',
        repeatInterval: '1 day',
        // As every() with skipImmediate stores it: not due, so no run of a copy races the check
        // (a run saves its own copy back, old interval included, when it finishes).
        nextRunAt: new Date(Date.now() + 3_600_000),
      };
      await agendaJobs().insertOne({ ...copy });
      await agendaJobs().insertOne({ ...copy });
      await startJobs(db(), JOB_DEFINERS);
      await stopJobs();
      const left = await agendaJobs().find({ name: JOB_PURGE_SESSIONS }).toArray();
      expect(left).to.have.length(1);
      expect(left[0]!.repeatInterval).to.equal(RECURRING[JOB_PURGE_SESSIONS]!.interval);
    });

    it('when the app restarts, then the next run of an existing recurring job is not pushed back', async () => {
      await startJobs(db(), JOB_DEFINERS);
      await stopJobs();
      const soon = new Date(Date.now() + 60_000);
      await agendaJobs().updateOne({ name: JOB_PURGE_SESSIONS }, { $set: { nextRunAt: soon } });
      await startJobs(db(), JOB_DEFINERS);
      await stopJobs();
      const doc = await agendaJobs().findOne({ name: JOB_PURGE_SESSIONS });
      expect((doc?.nextRunAt as Date).getTime()).to.equal(soon.getTime());
    });

    it('when stopJobs is called twice or before any start, then it does nothing and does not throw', async () => {
      await stopJobs();
      await startJobs(db(), JOB_DEFINERS);
      await stopJobs();
      await stopJobs();
      expect(jobs()).to.equal(undefined);
    });

    it('when a due job is stored, then Agenda locks and runs it on the database and records the run', async () => {
      const { definer, gate } = gatedJob('test.runs');
      await insertDueJob('test.runs');
      const agenda = await startJobs(db(), [definer]);
      await gate.started;
      const locked = await agendaJobs().findOne({ name: 'test.runs' });
      expect(locked?.lockedAt).to.be.instanceOf(Date);

      const completed = new Promise<void>((r) => agenda.once('complete:test.runs', () => r()));
      gate.release();
      await completed;
      const done = await agendaJobs().findOne({ name: 'test.runs' });
      expect(done?.lockedAt ?? null).to.equal(null);
      expect(done?.lastFinishedAt).to.be.instanceOf(Date);
      expect(done?.failReason ?? null).to.equal(null);
      expect(await db().collection('jobprobe').countDocuments({ name: 'test.runs' })).to.equal(1);
    });

    it('when stopJobs is called while a job runs, then it resolves only after the job has finished and unlocked', async () => {
      const { definer, gate } = gatedJob('test.slow');
      await insertDueJob('test.slow');
      await startJobs(db(), [definer]);
      await gate.started;

      let finishedWhenStopped: boolean | undefined;
      const stopping = stopJobs().then(() => {
        finishedWhenStopped = gate.finished();
      });
      // Give a stop that does not wait every chance to resolve early.
      await new Promise((r) => setTimeout(r, 300));
      gate.release();
      await stopping;

      expect(finishedWhenStopped).to.equal(true);
      const doc = await agendaJobs().findOne({ name: 'test.slow' });
      expect(doc?.lockedAt ?? null).to.equal(null);
      expect(doc?.lastFinishedAt).to.be.instanceOf(Date);
    });

    it('when a running job outlasts the grace period, then stopJobs still resolves', async () => {
      const { definer, gate } = gatedJob('test.stuck');
      await insertDueJob('test.stuck');
      await startJobs(db(), [definer]);
      await gate.started;
      try {
        await stopJobs(100);
        expect(jobs()).to.equal(undefined);
        expect(gate.finished()).to.equal(false);
      } finally {
        gate.release();
      }
    });
  });

  describe('auth clean-up jobs', () => {
    it('when expired sessions are purged, then only sessions that expired before now go, and a second run removes nothing', async () => {
      const now = new Date('2026-03-01T08:00:00Z');
      await db()
        .collection<{ _id: string; expires: Date }>('sessions')
        .insertMany([
          { _id: 'expired', expires: new Date(now.getTime() - 1) },
          { _id: 'long-expired', expires: new Date(now.getTime() - 24 * 60 * MINUTE) },
          { _id: 'expires-now', expires: now },
          { _id: 'alive', expires: new Date(now.getTime() + 30 * MINUTE) },
        ]);

      expect(await purgeExpiredSessions(now)).to.equal(2);
      const left = await db().collection('sessions').find({}).sort({ _id: 1 }).toArray();
      expect(left.map((s) => s._id)).to.deep.equal(['alive', 'expires-now']);

      expect(await purgeExpiredSessions(now)).to.equal(0);
      expect(await db().collection('sessions').countDocuments()).to.equal(2);
    });

    it('when a real signed-in session is purged after its idle timeout, then the user is signed out', async () => {
      const user = await createUser({ role: 'staff' });
      const agent = await signIn(app(), user.email, user.password);
      await agent.get('/').expect(200);
      expect(await db().collection('sessions').countDocuments()).to.equal(1);

      expect(await purgeExpiredSessions(new Date())).to.equal(0);
      await agent.get('/').expect(200);

      expect(await purgeExpiredSessions(new Date(Date.now() + 31 * MINUTE))).to.equal(1);
      await agent.get('/').expect(302).expect('Location', '/login?next=%2F');
    });

    it('when stale login throttles are purged, then only windows older than the throttle window go, and a second run removes nothing', async () => {
      const now = new Date('2026-03-01T08:00:00Z');
      const ago = (ms: number) => new Date(now.getTime() - ms);
      await LoginThrottleModel.insertMany([
        { key: 'stale', count: 3, windowStartedAt: ago(THROTTLE.windowMs + 1) },
        { key: 'very-stale', count: 11, windowStartedAt: ago(THROTTLE.windowMs * 10) },
        { key: 'just-ended', count: 2, windowStartedAt: ago(THROTTLE.windowMs) },
        { key: 'fresh', count: 1, windowStartedAt: ago(MINUTE) },
      ]);

      expect(await purgeStaleThrottles(now)).to.equal(2);
      const left = await LoginThrottleModel.find({}, { key: 1 }).sort({ key: 1 }).lean();
      expect(left.map((t) => t.key)).to.deep.equal(['fresh', 'just-ended']);

      expect(await purgeStaleThrottles(now)).to.equal(0);
      expect(await LoginThrottleModel.countDocuments()).to.equal(2);
    });

    it('when the defined auth jobs run, then they purge with the current time', async () => {
      const handlers = new Map<string, () => Promise<void>>();
      const fakeAgenda = { define: (name: string, fn: () => Promise<void>) => handlers.set(name, fn) };
      const recurring = defineAuthJobs(fakeAgenda as unknown as Agenda);
      expect(recurring.map((r) => r.name).sort()).to.deep.equal(
        [JOB_PURGE_THROTTLES, JOB_PURGE_SESSIONS].sort(),
      );

      const longAgo = new Date(Date.now() - 24 * 60 * MINUTE);
      await db()
        .collection<{ _id: string; expires: Date }>('sessions')
        .insertMany([
          { _id: 'old', expires: longAgo },
          { _id: 'new', expires: new Date(Date.now() + 30 * MINUTE) },
        ]);
      await LoginThrottleModel.insertMany([
        { key: 'old', count: 1, windowStartedAt: longAgo },
        { key: 'new', count: 1, windowStartedAt: new Date() },
      ]);

      await handlers.get(JOB_PURGE_SESSIONS)!();
      await handlers.get(JOB_PURGE_THROTTLES)!();
      expect((await db().collection('sessions').find({}).toArray()).map((s) => s._id)).to.deep.equal(['new']);
      expect((await LoginThrottleModel.find({}).lean()).map((t) => t.key)).to.deep.equal(['new']);
    });
  });
});

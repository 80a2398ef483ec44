import { expect } from 'chai';
import { MongoClient, type Db } from 'mongodb';
import type { Types } from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/index.js';
import { JOBS_COLLECTION } from '../../src/lib/jobs.js';
import { AgreementModel } from '../../src/modules/agreements/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { CaseModel } from '../../src/modules/cases/index.js';
import { ExportJobModel } from '../../src/modules/exports/export-job.model.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import { PlaqueModel } from '../../src/modules/plaques/index.js';
import { createAgreement } from '../factories/agreement.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';
import { createUser } from '../factories/user.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';
import { JOB_RUNS_COLLECTION } from './fixtures/job-runs.js';
import { cleanUpApps, dropDatabases, sleep, startApp, waitFor } from './support.js';

const DAY = 86_400_000;
/** Schedules brought round: each is a fresh chance for both instances to run a job. */
const TICKS = 4;
const dayText = (d: Date) => d.toISOString().slice(0, 10);

interface Run {
  name: string;
  pid: number;
  startedAt: Date;
}

/**
 * What each schedule must leave behind once, whichever instance ran it: records due for every
 * job with an effect, made before each tick so each tick has fresh work.
 */
async function dueWork(managerId: Types.ObjectId, tick: number) {
  const now = Date.now();
  const partner = await createPartner({ name: `Twin jobs ${tick}` });
  const followUp = await createInteraction({
    partner,
    by: managerId,
    followUpAt: new Date(now - 60_000),
    summary: `Call back ${tick}`,
  });
  const desk = await createDesk({ lead: managerId });
  // Opened two days ago: the acknowledge window of any SLA has passed.
  const overdueCase = await createCase({ desk, loggedBy: managerId, openedAt: new Date(now - 2 * DAY) });
  const expiring = await createAgreement({
    title: `Expiring ${tick}`,
    owner: managerId,
    stage: 'active',
    expiresAt: new Date(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + 20 * DAY,
    ),
  });
  const lapsed = await createAgreement({
    title: `Lapsed ${tick}`,
    owner: managerId,
    stage: 'active',
    expiresAt: new Date(now - 3 * DAY),
  });
  const plaque = await createPlaque({
    validUntil: dayText(new Date(now - 3 * DAY)),
    awardedAt: '2024-01-10',
  });
  // A background export nobody ran (its one-off job lost): the sweep runs it.
  const exportJob = await ExportJobModel.create({ user: managerId, entity: 'partner', format: 'csv' });
  return { followUp, overdueCase, expiring, lapsed, plaque, exportJob };
}

type Work = Awaited<ReturnType<typeof dueWork>>;

/** Each effect of one tick's work, counted: every figure must be 1. */
async function effects(w: Work): Promise<Record<string, number>> {
  const caseDoc = await CaseModel.findById(w.overdueCase._id).lean();
  const lapsed = await AgreementModel.findById(w.lapsed._id).lean();
  return {
    'followups.remind: notifications': await NotificationModel.countDocuments({
      link: `/interactions/${w.followUp._id.toHexString()}`,
    }),
    'cases.escalate: breach entries on the timeline': (caseDoc?.timeline ?? []).filter(
      (e) => e.kind === 'breach' && e.to === 'ack',
    ).length,
    'cases.escalate: audit entries': await AuditEntryModel.countDocuments({
      action: 'case.ack_breach',
      entityId: w.overdueCase._id.toHexString(),
    }),
    'cases.escalate: notifications to the desk lead': await NotificationModel.countDocuments({
      link: `/cases/${w.overdueCase._id.toHexString()}`,
      kind: 'case.ack_breach',
    }),
    'agreements.remind: notifications': await NotificationModel.countDocuments({
      link: `/agreements/${w.expiring._id.toHexString()}`,
    }),
    'agreements.expire: stage changes to expired': (lapsed?.stageHistory ?? []).filter(
      (s) => s.to === 'expired',
    ).length,
    'agreements.expire: audit entries': await AuditEntryModel.countDocuments({
      action: 'agreement.stage',
      entityId: w.lapsed._id.toHexString(),
    }),
    'plaques.expire: expired': (await PlaqueModel.countDocuments({
      _id: w.plaque._id,
      status: 'expired',
    })) as number,
    'plaques.expire: audit entries': await AuditEntryModel.countDocuments({
      action: 'plaque.expire',
      entityId: w.plaque._id.toHexString(),
    }),
    'exports.sweep: audited exports': await AuditEntryModel.countDocuments({
      'meta.exportJob': w.exportJob._id.toHexString(),
    }),
    'exports.sweep: ready notifications': await NotificationModel.countDocuments({
      link: `/exports/${w.exportJob._id.toHexString()}`,
      kind: 'export.ready',
    }),
  };
}

/**
 * Makes every recurring job come due within the next two polls, each at its own random moment,
 * as if its schedule had come round on both instances at once. With one moment for all, the
 * instance whose poll came first after it took every job, tick after tick (one CI run: B all 88),
 * because the two pollers keep the phase they started with.
 */
async function makeAllDue(db: Db): Promise<string[]> {
  const jobs = db.collection<{ name: string; type?: string }>(JOBS_COLLECTION);
  const names = (await jobs.find({ type: 'single' }).toArray()).map((j) => j.name);
  for (const name of names) {
    const dueAt = new Date(Date.now() + Math.random() * 2 * POLL_MS);
    await jobs.updateOne({ type: 'single', name }, { $set: { nextRunAt: dueAt } });
  }
  return names;
}

const POLL_MS = 200;

describe("reliability: two instances: each scheduled job's effect happens once per schedule", function () {
  this.timeout(300_000);
  const databases: string[] = [];

  after(async () => {
    cleanUpApps();
    await disconnectDatabase();
    await dropDatabases(databases);
  });

  it('when both instances poll while every recurring job comes due, four times, then the effect of each job happens once per schedule (reminders, escalations, expiries) and never again for an earlier one', async () => {
    const name = newDatabaseName();
    databases.push(name);
    const uri = testDatabaseUri(name);
    await connectDatabase(uri);
    const manager = await createUser({ role: 'manager' });

    // Both poll every 200 ms, so each due job is sought by both at nearly the same moment.
    const fixture = new URL('./fixtures/job-runs.ts', import.meta.url).href;
    const options = { mongodbUri: uri, imports: [fixture], env: { JOB_PROCESS_EVERY: String(POLL_MS) } };
    const [a, b] = await Promise.all([startApp(options), startApp(options)]);
    const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
    const db = client.db(name);
    const runsOf = async (since: Date) =>
      db
        .collection<Run>(JOB_RUNS_COLLECTION)
        .find({ startedAt: { $gte: since } })
        .toArray();
    const pids = new Set([a.child.pid, b.child.pid]);
    const report: string[] = [];
    const works: Work[] = [];
    const totals = { a: 0, b: 0 };
    let doubled = 0;
    let maxRuns = 0;
    try {
      // Extra schedules (up to twice as many) if one instance has not run anything yet.
      for (let tick = 1; tick <= TICKS || ((totals.a === 0 || totals.b === 0) && tick <= 2 * TICKS); tick++) {
        works.push(await dueWork(manager._id, tick));
        const since = new Date();
        const names = await makeAllDue(db);
        expect(names.length, 'recurring jobs').to.be.greaterThan(5);
        await waitFor(
          `tick ${tick}: every recurring job run`,
          async () => {
            const ran = new Set((await runsOf(since)).map((r) => r.name));
            return names.every((n) => ran.has(n));
          },
          90_000,
        );
        // A second run of the same schedule would start within a poll or two: give it time to show.
        await sleep(3_000);
        const runs = await runsOf(since);
        const perJob = new Map<string, Run[]>();
        for (const r of runs) perJob.set(r.name, [...(perJob.get(r.name) ?? []), r]);
        // Agenda claims a due job with findOneAndUpdate, and on FerretDB two racing claims can
        // both win: when both instances poll at the same moment a schedule may run on each. So
        // every handler is idempotent, and what must happen once is each job's effect (below).
        const twice = [...perJob].filter(([, rs]) => rs.length > 1).map(([n]) => n);
        // Runs per schedule are reported, not bounded: a lock won twice can even let one
        // instance's poll pick the job again before the other's run saved its next time.
        maxRuns = Math.max(maxRuns, ...[...perJob.values()].map((rs) => rs.length));
        doubled += twice.length;
        expect(runs.every((r) => pids.has(r.pid))).to.equal(true);
        const byPid = [a, b].map((app) => runs.filter((r) => r.pid === app.child.pid).length);
        totals.a += byPid[0]!;
        totals.b += byPid[1]!;
        report.push(
          `tick ${tick}: ${runs.length} runs of ${names.length} jobs (A ${byPid[0]}, B ${byPid[1]}; ${twice.length} ran more than once)`,
        );

        // Every tick's work so far has had its effect exactly once (earlier ticks' not repeated).
        for (const [i, w] of works.entries()) {
          const counted = await effects(w);
          const wrong = Object.entries(counted).filter(([, n]) => n !== 1);
          expect(wrong, `tick ${tick}, work of tick ${i + 1}: effects not exactly once`).to.deep.equal([]);
        }
      }
    } finally {
      await client.close();
    }
    console.log(
      `      two instances: ${report.join('; ')}; ${doubled} schedules ran more than once (at most ${maxRuns} runs); every effect once`,
    );
    // Both instances took part: the schedules were contended, not all served by one poller.
    expect(totals.a, 'runs on A').to.be.greaterThan(0);
    expect(totals.b, 'runs on B').to.be.greaterThan(0);

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect((await a.exited).code).to.equal(0);
    expect((await b.exited).code).to.equal(0);
  });
});

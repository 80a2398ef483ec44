import { expect } from 'chai';
import { MongoClient, type Db } from 'mongodb';
import { JOBS_COLLECTION } from '../../src/lib/jobs.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';
import { RUNS_COLLECTION, SLOW_JOB } from './fixtures/slow-job.js';
import { cleanUpApps, dropDatabases, startApp, waitFor } from './support.js';

const FIXTURE = './test/reliability/fixtures/slow-job.ts';

describe('reliability: graceful shutdown with a job running', function () {
  this.timeout(180_000);
  const databases: string[] = [];
  let client: MongoClient;
  let db: Db;

  before(async () => {
    const name = newDatabaseName();
    databases.push(name);
    client = await MongoClient.connect(testDatabaseUri(name), { serverSelectionTimeoutMS: 5000 });
    db = client.db(name);
  });

  after(async () => {
    cleanUpApps();
    await client.close();
    await dropDatabases(databases);
  });

  it('when SIGTERM arrives while an Agenda job runs past the grace period, then the process exits 0, the job is released, and the next start runs it again to the end', async () => {
    const uri = testDatabaseUri(db.databaseName);
    await db.collection(JOBS_COLLECTION).insertOne({
      name: SLOW_JOB,
      type: 'normal',
      priority: 0,
      data: {},
      nextRunAt: new Date(Date.now() - 1000),
      lockedAt: null,
      disabled: false,
    });
    const runs = db.collection<{ pid: number; phase: string }>(RUNS_COLLECTION);

    const first = await startApp({ mongodbUri: uri, imports: [FIXTURE], env: { SLOW_JOB_MS: '120000' } });
    await waitFor('the job to start', () => runs.findOne({ pid: first.child.pid!, phase: 'start' }), 60_000);
    const locked = await db.collection(JOBS_COLLECTION).findOne({ name: SLOW_JOB });
    expect(locked?.lockedAt).to.be.instanceOf(Date);

    first.child.kill('SIGTERM');
    const { code, signal } = await first.exited;
    expect(signal).to.equal(null);
    expect(code, first.stderr()).to.equal(0);
    expect(first.logs()).to.include('unfinished jobs released for the next start');
    const released = await db.collection(JOBS_COLLECTION).findOne({ name: SLOW_JOB });
    expect(released?.lockedAt ?? null).to.equal(null);
    expect(released?.nextRunAt).to.be.instanceOf(Date);
    expect(await runs.countDocuments({ phase: 'done' })).to.equal(0);

    const second = await startApp({ mongodbUri: uri, imports: [FIXTURE], env: { SLOW_JOB_MS: '200' } });
    await waitFor(
      'the job to run again',
      () => runs.findOne({ pid: second.child.pid!, phase: 'done' }),
      60_000,
    );
    await waitFor('the job to unlock', async () => {
      const doc = await db.collection(JOBS_COLLECTION).findOne({ name: SLOW_JOB });
      return doc && !doc.lockedAt && doc.lastFinishedAt;
    });
    second.child.kill('SIGTERM');
    expect((await second.exited).code).to.equal(0);
    expect(await runs.countDocuments({ phase: 'start' })).to.equal(2);
    expect(await runs.countDocuments({ phase: 'done' })).to.equal(1);
  });
});

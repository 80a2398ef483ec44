import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/index.js';
import { JOBS_COLLECTION } from '../../src/lib/jobs.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { createUser } from '../factories/user.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';
import { cleanUpApps, Client, dropDatabases, startApp } from './support.js';

describe('reliability: two instances on one database', function () {
  this.timeout(180_000);
  const databases: string[] = [];

  after(async () => {
    cleanUpApps();
    await disconnectDatabase();
    await dropDatabases(databases);
  });

  it('when two instances start at once, then each recurring job is scheduled once, a session made on one is valid on the other, and writes through both are all kept', async () => {
    const name = newDatabaseName();
    databases.push(name);
    const uri = testDatabaseUri(name);
    await connectDatabase(uri);
    const admin = await createUser({ role: 'admin' });

    const [a, b] = await Promise.all([startApp({ mongodbUri: uri }), startApp({ mongodbUri: uri })]);

    const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
    try {
      const scheduled = await client
        .db(name)
        .collection<{ name: string; type?: string }>(JOBS_COLLECTION)
        .find({ type: 'single' })
        .toArray();
      const perName = new Map<string, number>();
      for (const j of scheduled) perName.set(j.name, (perName.get(j.name) ?? 0) + 1);
      expect(perName.size, 'recurring jobs scheduled').to.be.greaterThan(1);
      expect(
        [...perName].filter(([, n]) => n !== 1),
        'jobs scheduled more than once',
      ).to.deep.equal([]);
    } finally {
      await client.close();
    }

    const onA = new Client(a.base);
    await onA.login(admin.email, admin.password);
    const onB = new Client(b.base);
    onB.cookies = onA.cookies;
    onB.csrf = onA.csrf;
    expect((await onB.get('/partners')).status, 'the session from A on B').to.equal(200);

    // Writes alternate between the instances with the one session and CSRF token.
    const names = Array.from({ length: 20 }, (_, i) => `Twin ${i} ${Math.random().toString(36).slice(2, 7)}`);
    const statuses = await Promise.all(
      names.map(
        async (n, i) =>
          (
            await (i % 2 ? onA : onB).post('/partners', {
              name: n,
              type: 'hotel',
              country: 'TH',
              confirmDuplicate: '1',
            })
          ).status,
      ),
    );
    expect(
      statuses.every((s) => s === 302),
      statuses.join(','),
    ).to.equal(true);
    const stored = (await PartnerModel.find({}, { name: 1 }).lean()).map((p) => p.name);
    expect(names.filter((n) => stored.filter((s) => s === n).length !== 1)).to.deep.equal([]);

    // Signing out on B ends the session on A too.
    await onB.get('/profile');
    expect((await onB.post('/logout', {})).status).to.equal(302);
    expect((await onA.get('/partners')).status).to.equal(302);

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect((await a.exited).code).to.equal(0);
    expect((await b.exited).code).to.equal(0);
  });
});

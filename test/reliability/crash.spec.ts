import { expect } from 'chai';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/index.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';
import { cleanUpApps, Client, dropDatabases, sleep, startApp } from './support.js';

const CLIENTS = 4;

interface Outcome {
  partners: { acked: string[]; tried: string[] };
  interactions: { acked: string[]; tried: string[] };
}

describe('reliability: kill -9 in the middle of writes', function () {
  this.timeout(180_000);
  const databases: string[] = [];

  after(async () => {
    cleanUpApps();
    await disconnectDatabase();
    await dropDatabases(databases);
  });

  it('when the app is killed with SIGKILL while several clients create partners and interactions, then after a restart on the same database every acknowledged write is there exactly once and none is doubled', async () => {
    const dbName = newDatabaseName();
    databases.push(dbName);
    const uri = testDatabaseUri(dbName);
    await connectDatabase(uri);
    const admin = await createUser({ role: 'admin' });
    const targets = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => createPartner({ name: `Crash target ${i}` })),
    );

    const first = await startApp({ mongodbUri: uri });
    const clients = await Promise.all(
      targets.map(async () => {
        const c = new Client(first.base);
        await c.login(admin.email, admin.password).catch((err: Error) => {
          throw new Error(`${err.message}\n${first.logs().join('\n')}`);
        });
        return c;
      }),
    );

    let stop = false;
    const outcome: Outcome = { partners: { acked: [], tried: [] }, interactions: { acked: [], tried: [] } };
    const drive = async (client: Client, n: number): Promise<void> => {
      const pid = targets[n]!._id.toHexString();
      for (let i = 0; !stop; i++) {
        const name = `Crash ${n}-${i} ${Math.random().toString(36).slice(2, 8)}`;
        try {
          if (i % 2 === 0) {
            outcome.partners.tried.push(name);
            const res = await client.post('/partners', {
              name,
              type: 'hotel',
              country: 'TH',
              confirmDuplicate: '1',
            });
            if (res.status === 302 && /^\/partners\/[0-9a-f]{24}$/.test(res.location ?? ''))
              outcome.partners.acked.push(name);
          } else {
            outcome.interactions.tried.push(name);
            const res = await client.post(`/partners/${pid}/interactions`, {
              kind: 'meeting',
              summary: name,
            });
            if (res.status === 302) outcome.interactions.acked.push(name);
          }
        } catch {
          // The server is gone: this client stops.
          return;
        }
      }
    };
    const driving = clients.map((c, n) => drive(c, n));
    // Let a good number of writes through, then pull the plug without warning.
    const deadline = Date.now() + 20_000;
    while (outcome.partners.acked.length + outcome.interactions.acked.length < 40 && Date.now() < deadline)
      await sleep(50);
    first.child.kill('SIGKILL');
    const { signal } = await first.exited;
    stop = true;
    await Promise.all(driving);
    expect(signal).to.equal('SIGKILL');
    expect(outcome.partners.acked.length + outcome.interactions.acked.length).to.be.greaterThan(20);

    const second = await startApp({ mongodbUri: uri });
    // Sessions live in the database: a client signed in before the crash is still signed in.
    const again = new Client(second.base);
    again.cookies = clients[0]!.cookies;
    expect((await again.get('/partners')).status).to.equal(200);

    const partnerCounts = new Map<string, number>();
    for (const p of (await PartnerModel.find({}, { name: 1 }).lean()).filter((p) => /^Crash \d/.test(p.name)))
      partnerCounts.set(p.name, (partnerCounts.get(p.name) ?? 0) + 1);
    const interactionCounts = new Map<string, number>();
    for (const x of (await InteractionModel.find({}, { summary: 1 }).lean()).filter((x) =>
      /^Crash \d/.test(x.summary),
    ))
      interactionCounts.set(x.summary, (interactionCounts.get(x.summary) ?? 0) + 1);

    const lost = [
      ...outcome.partners.acked.filter((n) => partnerCounts.get(n) !== 1),
      ...outcome.interactions.acked.filter((n) => interactionCounts.get(n) !== 1),
    ];
    const doubled = [...partnerCounts, ...interactionCounts].filter(([, c]) => c > 1).map(([n]) => n);
    const unknown = [...partnerCounts.keys()].filter((n) => !outcome.partners.tried.includes(n));
    expect(lost, 'acknowledged writes missing or doubled after the restart').to.deep.equal([]);
    expect(doubled).to.deep.equal([]);
    expect(unknown).to.deep.equal([]);
    console.log(
      `      crash: ${outcome.partners.acked.length} partner and ${outcome.interactions.acked.length} interaction writes acknowledged before kill -9; ` +
        `${outcome.partners.tried.length + outcome.interactions.tried.length} tried; all acknowledged present once`,
    );
    second.child.kill('SIGTERM');
    expect((await second.exited).code).to.equal(0);
  });
});

import autocannon from 'autocannon';
import { expect } from 'chai';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/index.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';
import { cleanUpApps, Client, dropDatabases, startApp } from './support.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const MB = 1024 * 1024;

describe('reliability: bounded loopback load', function () {
  this.timeout((SECONDS + 120) * 1000);
  const databases: string[] = [];

  after(async () => {
    cleanUpApps();
    await disconnectDatabase();
    await dropDatabases(databases);
  });

  it(`when ${CONNECTIONS} connections mix reads and writes for ${SECONDS} s, then no answer is a 5xx, every acknowledged write is stored once, and memory stays bounded`, async () => {
    const name = newDatabaseName();
    databases.push(name);
    const uri = testDatabaseUri(name);
    await connectDatabase(uri);
    const admin = await createUser({ role: 'admin' });
    const partners = await Promise.all([0, 1, 2, 3].map((i) => createPartner({ name: `Load target ${i}` })));
    const app = await startApp({ mongodbUri: uri });
    const client = new Client(app.base);
    await client.login(admin.email, admin.password);

    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    let seq = 0;
    const unique = () => `Load ${++seq} ${Math.random().toString(36).slice(2, 8)}`;
    const pid = (n: number) => partners[n % partners.length]!._id.toHexString();
    const csrf = encodeURIComponent(client.csrf);

    const rss = { start: app.rss(), peak: 0, samples: [] as number[] };
    const sampler = setInterval(() => {
      const now = app.rss();
      rss.samples.push(now);
      rss.peak = Math.max(rss.peak, now);
    }, 1000);
    const result = await autocannon({
      url: app.base,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 30,
      headers: { Cookie: client.cookieHeader(), Accept: 'text/html' },
      requests: [
        { method: 'GET', path: '/partners' },
        {
          method: 'POST',
          path: '/partners',
          headers: form,
          setupRequest: (req) => ({
            ...req,
            body: `_csrf=${csrf}&name=${encodeURIComponent(unique())}&type=hotel&country=TH&confirmDuplicate=1`,
          }),
        },
        { method: 'GET', path: `/partners/${pid(0)}` },
        {
          method: 'POST',
          path: `/partners/${pid(1)}/interactions`,
          headers: form,
          setupRequest: (req) => {
            const n = seq;
            return {
              ...req,
              path: `/partners/${pid(n)}/interactions`,
              body: `_csrf=${csrf}&kind=call&summary=${encodeURIComponent(unique())}`,
            };
          },
        },
        { method: 'GET', path: '/' },
        { method: 'GET', path: '/interactions' },
        { method: 'GET', path: '/contacts' },
      ],
    });
    clearInterval(sampler);
    const end = app.rss();

    const byStatus = Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([s, v]) => [s, v.count ?? 0]),
    );
    const fiveHundreds = Object.entries(byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);
    const acked = byStatus['302'] ?? 0;
    const storedPartners = (await PartnerModel.find({}, { name: 1 }).lean()).filter(
      (p) => p.name.startsWith('Load ') && !p.name.startsWith('Load target'),
    );
    const storedInteractions = (await InteractionModel.find({}, { summary: 1 }).lean()).filter((x) =>
      x.summary.startsWith('Load '),
    );
    console.log(
      `      load: ${result.requests.total} requests in ${SECONDS} s (${Math.round(result.requests.average)}/s), ` +
        `latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms max ${result.latency.max} ms; ` +
        `statuses ${JSON.stringify(byStatus)}; errors ${result.errors}, timeouts ${result.timeouts}; ` +
        `writes acknowledged ${acked}, stored ${storedPartners.length} partners + ${storedInteractions.length} interactions; ` +
        `RSS start ${Math.round(rss.start / MB)} MB, end ${Math.round(end / MB)} MB, peak ${Math.round(rss.peak / MB)} MB`,
    );
    expect(fiveHundreds, JSON.stringify(byStatus)).to.equal(0);
    expect(result.requests.total).to.be.greaterThan(100);
    expect(byStatus['200'] ?? 0).to.be.greaterThan(0);
    expect(acked).to.be.greaterThan(0);
    // Each 302 is a stored write; a request cut off by the end of the run may be stored unacknowledged.
    expect(storedPartners.length + storedInteractions.length).to.be.at.least(acked);
    const names = new Set(storedPartners.map((p) => p.name));
    expect(names.size, 'no partner stored twice').to.equal(storedPartners.length);
    expect(rss.peak).to.be.below(1024 * MB);

    app.child.kill('SIGTERM');
    expect((await app.exited).code, app.stderr()).to.equal(0);
  });
});

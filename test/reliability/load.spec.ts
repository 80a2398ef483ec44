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
/**
 * Memory is judged after a warm-up (V8 and the caches grow to their working size first):
 * the first third of the run, at most 60 s. `LOAD_SECONDS=600` gives a long run whose trend
 * means something; the default run is short and only catches a gross leak.
 */
const WARMUP_SECONDS = Math.min(60, Math.max(5, Math.round(SECONDS / 3)));
/** Generous bounds: GC timing moves RSS by tens of MB between samples. */
const RSS_GROWTH_LIMIT = { factor: 1.5, slackMb: 96 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/** Least-squares slope of samples taken once a second, in MB per minute. */
function slopeMbPerMinute(samples: number[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  samples.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return ((num / den) * 60) / MB;
}

describe('reliability: bounded loopback load', function () {
  this.timeout((SECONDS + 120) * 1000);
  const databases: string[] = [];

  after(async () => {
    cleanUpApps();
    await disconnectDatabase();
    await dropDatabases(databases);
  });

  it(`when ${CONNECTIONS} connections mix reads and writes for ${SECONDS} s, then no answer is a 5xx, every acknowledged write is stored once, and RSS after the warm-up does not keep growing`, async () => {
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
    // Medians of a few samples on each side, so one GC pause does not decide it.
    const steady = rss.samples.slice(WARMUP_SECONDS);
    const window = Math.max(3, Math.min(10, Math.floor(steady.length / 4)));
    const afterWarmup = median(steady.slice(0, window));
    const atEnd = median(steady.slice(-window));
    const slope = slopeMbPerMinute(steady);

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
    console.log(
      `      memory: RSS after ${WARMUP_SECONDS} s warm-up ${Math.round(afterWarmup / MB)} MB, at the end ${Math.round(atEnd / MB)} MB ` +
        `(medians of ${window} samples), trend after warm-up ${slope.toFixed(1)} MB/min over ${steady.length} s`,
    );
    expect(fiveHundreds, `${JSON.stringify(byStatus)}\n${app.errorLines().join('\n')}`).to.equal(0);
    expect(result.requests.total).to.be.greaterThan(100);
    expect(byStatus['200'] ?? 0).to.be.greaterThan(0);
    expect(acked).to.be.greaterThan(0);
    // Each 302 is a stored write; a request cut off by the end of the run may be stored unacknowledged.
    expect(storedPartners.length + storedInteractions.length).to.be.at.least(acked);
    const names = new Set(storedPartners.map((p) => p.name));
    expect(names.size, 'no partner stored twice').to.equal(storedPartners.length);
    expect(rss.peak).to.be.below(1024 * MB);
    expect(steady.length, 'samples after the warm-up').to.be.at.least(2 * window);
    expect(atEnd, 'RSS at the end against after the warm-up: no growth trend').to.be.at.most(
      afterWarmup * RSS_GROWTH_LIMIT.factor + RSS_GROWTH_LIMIT.slackMb * MB,
    );

    app.child.kill('SIGTERM');
    expect((await app.exited).code, app.stderr()).to.equal(0);
  });
});

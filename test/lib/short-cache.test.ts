import { expect } from 'chai';
import { cached, clearShortCache, invalidateTag, type CacheOptions } from '../../src/lib/short-cache.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { createPartner } from '../factories/partner.js';
import { useTestApp } from '../support/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A loader that counts its calls and answers "v1", "v2"… after `ms`. */
function counter(ms = 5) {
  const state = { loads: 0 };
  const load = async () => {
    state.loads += 1;
    const n = state.loads;
    await sleep(ms);
    return `v${n}`;
  };
  return { state, load };
}

describe('short cache (dashboard tiles)', () => {
  useTestApp();
  beforeEach(() => clearShortCache());
  const opts = (afterWrite: CacheOptions['afterWrite'], ttlMs = 200): CacheOptions => ({
    ttlMs,
    tags: ['test-tag'],
    afterWrite,
  });

  it('serves a value for ttl, and concurrent requests for a missing value share one load', async () => {
    const { state, load } = counter(30);
    const values = await Promise.all([1, 2, 3, 4].map(() => cached('k', opts('reload'), load)));
    expect(values).to.deep.equal(['v1', 'v1', 'v1', 'v1']);
    expect(await cached('k', opts('reload'), load)).to.equal('v1');
    expect(state.loads).to.equal(1);
  });

  it('after ttl serves the old value once while one background load runs, then the new one', async () => {
    const { state, load } = counter(20);
    await cached('k', opts('reload', 40), load);
    await sleep(60);
    expect(
      await Promise.all([cached('k', opts('reload', 40), load), cached('k', opts('reload', 40), load)]),
    ).to.deep.equal(['v1', 'v1']);
    await sleep(40);
    expect(await cached('k', opts('reload', 40), load)).to.equal('v2');
    expect(state.loads).to.equal(2);
  });

  it('older than 5 × ttl a value is not served, unless maxStaleMs allows it (shared tiles: an hour)', async () => {
    const plain = counter(20);
    const lenient = counter(20);
    const long = { ...opts('background', 20), maxStaleMs: 10_000 };
    await cached('plain', opts('background', 20), plain.load);
    await cached('lenient', long, lenient.load);
    await sleep(130);
    // 6.5 × ttl: the plain value is too old to show, the lenient one is shown while it refreshes.
    expect(await cached('plain', opts('background', 20), plain.load)).to.equal('v2');
    expect(await cached('lenient', long, lenient.load)).to.equal('v1');
    await sleep(40);
    expect(await cached('lenient', long, lenient.load)).to.equal('v2');
  });

  it("after a write, 'reload' waits for fresh data and 'background' shows the old value once more", async () => {
    const personal = counter();
    const shared = counter();
    await cached('mine', opts('reload'), personal.load);
    await cached('all', opts('background'), shared.load);
    invalidateTag('test-tag');
    expect(await cached('mine', opts('reload'), personal.load)).to.equal('v2');
    expect(await cached('all', opts('background'), shared.load)).to.equal('v1');
    await sleep(20);
    expect(await cached('all', opts('background'), shared.load)).to.equal('v2');
  });

  it('a failed load is not cached and the error reaches the caller', async () => {
    let fail = true;
    const load = async () => {
      if (fail) throw new Error('database down');
      return 'ok';
    };
    let caught: unknown;
    await cached('k', opts('reload'), load).catch((err: unknown) => (caught = err));
    expect(String(caught)).to.contain('database down');
    fail = false;
    expect(await cached('k', opts('reload'), load)).to.equal('ok');
  });

  it('writes through a marked model (create, update, delete) outdate its tag', async () => {
    const o = { ttlMs: 60_000, tags: ['partners'], afterWrite: 'reload' } as const;
    const { state, load } = counter();
    await cached('p', o, load);
    const partner = await createPartner();
    expect(await cached('p', o, load)).to.equal('v2');
    await PartnerModel.updateOne({ _id: partner._id }, { $set: { city: 'Chiang Mai' } });
    expect(await cached('p', o, load)).to.equal('v3');
    await PartnerModel.deleteMany({ _id: partner._id });
    expect(await cached('p', o, load)).to.equal('v4');
    expect(await cached('p', o, load)).to.equal('v4');
    expect(state.loads).to.equal(4);
  });
});

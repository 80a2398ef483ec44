import { expect } from 'chai';
import { mongoose } from '../../src/lib/db/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds, nextPageHref } from '../support/pages.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';

const MINUTE = 60_000;

describe('the interactions list (/interactions)', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
  });

  const ids = (html: string) => linkedIds(html, '/interactions');

  it('when managers, admins and coordinators open it, then they see everyone’s interactions newest first; staff and complaint officers get 403', async () => {
    const alice = await createUser({ role: 'coordinator' });
    const p = await createPartner({ owner: alice._id });
    const older = await createInteraction({
      partner: p,
      by: alice._id,
      occurredAt: new Date('2026-01-01T00:00:00Z'),
    });
    const newer = await createInteraction({
      partner: p,
      by: manager.user._id,
      occurredAt: new Date('2026-02-01T00:00:00Z'),
    });
    for (const role of ['manager', 'admin', 'coordinator'] as const) {
      const user = role === 'manager' ? manager : await loginAs(app(), role);
      const res = await user.agent.get('/interactions').expect(200);
      expect(ids(res.text), role).to.deep.equal([newer, older].map((i) => i._id.toHexString()));
    }
    for (const role of ['staff', 'complaint_officer'] as const) {
      const user = await loginAs(app(), role);
      await user.agent.get('/interactions').expect(403);
    }
  });

  it('when filtered by author, kind, partner type, partner country or partner, then only matching rows show', async () => {
    const alice = await createUser({ role: 'coordinator', name: 'Alice' });
    const airlineVN = await createPartner({ type: 'airline', country: 'VN', name: 'VN Air' });
    const hotelTH = await createPartner({ type: 'hotel', country: 'TH', name: 'TH Hotel' });
    const a = await createInteraction({ partner: airlineVN, by: alice._id, kind: 'call' });
    const b = await createInteraction({ partner: hotelTH, by: alice._id, kind: 'visit' });
    const c = await createInteraction({ partner: hotelTH, by: manager.user._id, kind: 'call' });
    await createInteraction({ partner: airlineVN, by: alice._id, kind: 'call', deletedAt: new Date() });

    const get = async (q: string) =>
      ids((await manager.agent.get(`/interactions${q}`).expect(200)).text).sort();
    const id = (x: { _id: { toHexString(): string } }) => x._id.toHexString();

    expect(await get(`?by=${alice._id.toHexString()}`)).to.deep.equal([a, b].map(id).sort());
    expect(await get('?by=me')).to.deep.equal([id(c)]);
    expect(await get('?kind=call')).to.deep.equal([a, c].map(id).sort());
    expect(await get('?partnerType=hotel')).to.deep.equal([b, c].map(id).sort());
    expect(await get('?partnerCountry=vn')).to.deep.equal([id(a)]);
    expect(await get(`?partner=${airlineVN._id.toHexString()}`)).to.deep.equal([id(a)]);
    expect(await get('?kind=call&partnerType=hotel')).to.deep.equal([id(c)]);
    expect(await get('?kind=message')).to.deep.equal([]);
    const empty = await manager.agent.get('/interactions?kind=message').expect(200);
    expect(empty.text).to.contain('Nothing matches these filters.');
  });

  it('when filtered by dates, then the days are the viewer’s calendar days and "to" includes its whole day', async () => {
    await UserModel.updateOne({ _id: manager.user._id }, { $set: { timeZone: 'Asia/Shanghai' } });
    const p = await createPartner({});
    const at = (iso: string) =>
      createInteraction({ partner: p, by: manager.user._id, occurredAt: new Date(iso) });
    // Shanghai is UTC+8: 1 Feb starts at 31 Jan 16:00 UTC and ends at 1 Feb 16:00 UTC.
    await at('2026-01-31T15:59:00Z');
    const firstMinute = await at('2026-01-31T16:00:00Z');
    const lastMinute = await at('2026-02-01T15:59:00Z');
    await at('2026-02-01T16:00:00Z');
    const res = await manager.agent.get('/interactions?from=2026-02-01&to=2026-02-01').expect(200);
    expect(ids(res.text).sort()).to.deep.equal(
      [firstMinute, lastMinute].map((i) => i._id.toHexString()).sort(),
    );
  });

  it('when there are 55 interactions, then page 1 shows 50 and "Next page" the other 5 — stable while new ones arrive, keeping the filters', async () => {
    const p = await createPartner({});
    const base = Date.parse('2026-03-01T00:00:00Z');
    for (let i = 0; i < 55; i += 1) {
      // Pairs share a time so the cursor has to break ties on _id.
      await createInteraction({
        partner: p,
        by: manager.user._id,
        kind: 'call',
        occurredAt: new Date(base + Math.floor(i / 2) * MINUTE),
      });
    }
    const first = await manager.agent.get('/interactions?kind=call').expect(200);
    const page1 = ids(first.text);
    expect(page1).to.have.length(50);
    const href = nextPageHref(first.text);
    expect(href).to.contain('kind=call');
    await createInteraction({
      partner: p,
      by: manager.user._id,
      kind: 'call',
      occurredAt: new Date(base + 999 * MINUTE),
    });
    const second = await manager.agent
      .get(href!.startsWith('/') ? href! : `/interactions${href}`)
      .expect(200);
    const page2 = ids(second.text);
    expect(page2).to.have.length(5);
    expect(page1.filter((x) => page2.includes(x))).to.deep.equal([]);
    expect(nextPageHref(second.text)).to.equal(undefined);
  });

  it('when a page shows many partners, then their names come from one query (no N+1)', async () => {
    const partners = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createPartner({ name: `Partner number ${i}` })),
    );
    for (const p of partners) await createInteraction({ partner: p, by: manager.user._id });
    const queries: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => {
      queries.push(`${collection}.${method}`);
    });
    let res;
    try {
      res = await manager.agent.get('/interactions').expect(200);
    } finally {
      mongoose.set('debug', false);
    }
    for (const p of partners) expect(res.text).to.contain(`>${p.name}</a>`);
    expect(queries.filter((q) => q.startsWith('partners.')).length).to.be.at.most(1);
    expect(queries.filter((q) => q.startsWith('users.')).length).to.be.at.most(3);
  });

  it('when the query is malformed or carries operators, then 400, never a server error', async () => {
    await manager.agent.get('/interactions?kind=telepathy').expect(400);
    await manager.agent.get('/interactions?after=not-a-cursor').expect(400);
    await manager.agent.get('/interactions?by[$ne]=x').expect(400);
    await manager.agent.get('/interactions?partnerCountry=XX').expect(400);
    await manager.agent.get('/interactions?from=2026-13-01').expect(400);
    await manager.agent.get('/interactions?partner=%7B%22%24gt%22%3A%22%22%7D').expect(400);
  });

  it('when nothing is logged yet, then the page says so', async () => {
    const res = await manager.agent.get('/interactions').expect(200);
    expect(res.text).to.contain('No interactions logged yet.');
  });
});

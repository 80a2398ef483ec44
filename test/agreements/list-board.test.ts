import { expect } from 'chai';
import { AgreementModel, loadBoard } from '../../src/modules/agreements/index.js';
import type { Partner } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds, nextPageHref } from '../support/pages.js';
import { createAgreement, day } from '../factories/agreement.js';
import { createEvent } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';

describe('agreements: list filters, pagination and the board', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let coordinator: LoggedIn;
  let th: Partner;
  let vn: Partner;
  let uni: Partner;

  beforeEach(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
    coordinator = await loginAs(app(), 'coordinator');
    th = await createPartner({ name: 'Thai Airways', country: 'TH', type: 'airline' });
    vn = await createPartner({ name: 'Saigontourist', country: 'VN', type: 'travel_agency' });
    uni = await createPartner({ name: 'Chulalongkorn University', country: 'TH', type: 'university' });
  });

  const list = async (query: string): Promise<string[]> => {
    const res = await manager.agent.get(`/agreements${query}`).expect(200);
    return linkedIds(res.text, '/agreements');
  };

  it('when the list is filtered by stage, category, partner, partner country and type, owner, event, signed and expiry ranges, then only matching agreements are listed', async () => {
    const event = await createEvent({ name: 'Global Partners Conference' });
    const a = await createAgreement({
      title: 'Air channel',
      partners: [th],
      stage: 'active',
      category: 'scenic_channel',
      owner: coordinator.user._id,
      signedAt: day('2026-01-10'),
      expiresAt: day('2027-01-31'),
      event: event._id,
    });
    const b = await createAgreement({
      title: 'Cruise deal',
      partners: [vn],
      stage: 'negotiation',
      category: 'cruise_channel',
      owner: manager.user._id,
    });
    const c = await createAgreement({
      title: 'Student base',
      partners: [uni, vn],
      stage: 'signed',
      category: 'mou',
      signedAt: day('2025-11-17'),
      expiresAt: day('2026-11-16'),
    });
    const ids = (xs: { _id: { toHexString(): string } }[]) => xs.map((x) => x._id.toHexString()).sort();
    const same = (got: string[], want: { _id: { toHexString(): string } }[]) =>
      expect([...got].sort()).to.deep.equal(ids(want));

    same(await list(''), [a, b, c]);
    same(await list('?stage=active'), [a]);
    same(await list('?stage=open'), [a, b, c]);
    same(await list('?category=cruise_channel'), [b]);
    same(await list(`?partner=${vn._id.toHexString()}`), [b, c]);
    same(await list('?country=TH'), [a, c]);
    same(await list('?country=vn'), [b, c]);
    same(await list('?partnerType=university'), [c]);
    same(await list(`?owner=${coordinator.user._id.toHexString()}`), [a]);
    same(await list('?owner=none'), [c]);
    same(await list(`?event=${event._id.toHexString()}`), [a]);
    same(await list('?signedFrom=2026-01-01&signedTo=2026-03-31'), [a]);
    same(await list('?signedTo=2025-12-31'), [c]);
    same(await list('?expiresFrom=2026-06-01&expiresTo=2026-12-31'), [c]);
    same(await list('?q=cruise'), [b]);
    same(await list('?q=.*'), []);
    const mine = await coordinator.agent.get('/agreements?owner=mine').expect(200);
    same(linkedIds(mine.text, '/agreements'), [a]);
  });

  it('when a filter value is malformed or an operator, then 400, never a query', async () => {
    await manager.agent.get('/agreements?stage=bogus').expect(400);
    await manager.agent.get('/agreements?owner[$ne]=x').expect(400);
    await manager.agent.get('/agreements?signedFrom=yesterday').expect(400);
    await manager.agent.get('/agreements?after=not-a-cursor').expect(400);
  });

  it('when there are more than 50, then pages follow by cursor with no row twice and none missed', async () => {
    const base = Date.UTC(2026, 0, 1);
    const docs = Array.from({ length: 57 }, (_, i) => ({
      title: `Bulk ${i}`,
      partners: [th],
      createdAt: new Date(base + Math.floor(i / 3) * 1000), // ties on createdAt
    }));
    for (const d of docs) await createAgreement(d);
    const first = await manager.agent.get('/agreements').expect(200);
    const page1 = linkedIds(first.text, '/agreements');
    expect(page1).to.have.length(50);
    const next = nextPageHref(first.text);
    expect(next).to.be.a('string');
    const second = await manager.agent.get(next!).expect(200);
    const page2 = linkedIds(second.text, '/agreements');
    expect(page2).to.have.length(7);
    expect(new Set([...page1, ...page2]).size).to.equal(57);
    expect(nextPageHref(second.text)).to.equal(undefined);
    expect(first.text).to.contain('57 agreements');
  });

  it('when the board is shown, then each stage has a column with its count and value per currency, never mixing currencies', async () => {
    await createAgreement({ partners: [th], stage: 'negotiation', value: { amount: 1000, currency: 'USD' } });
    await createAgreement({
      partners: [th],
      stage: 'negotiation',
      value: { amount: 250.25, currency: 'USD' },
    });
    await createAgreement({
      partners: [vn],
      stage: 'negotiation',
      value: { amount: 3_000_000, currency: 'THB' },
    });
    await createAgreement({ partners: [vn], stage: 'negotiation', value: { amount: null, currency: null } });
    await createAgreement({ partners: [vn], stage: 'active', value: { amount: 0.1, currency: 'CNY' } });
    await createAgreement({ partners: [vn], stage: 'active', value: { amount: 0.2, currency: 'CNY' } });

    const columns = await loadBoard({ category: '', owner: '', event: '' }, undefined);
    expect(columns.map((c) => c.stage)).to.deep.equal([
      'lead',
      'negotiation',
      'review',
      'signed',
      'active',
      'expired',
      'terminated',
      'withdrawn',
    ]);
    const neg = columns.find((c) => c.stage === 'negotiation')!;
    expect(neg.count).to.equal(4);
    expect(neg.totals).to.deep.equal([
      ['THB', 3_000_000],
      ['USD', 1250.25],
    ]);
    const active = columns.find((c) => c.stage === 'active')!;
    expect(active.totals).to.deep.equal([['CNY', 0.3]]);
    expect(columns.find((c) => c.stage === 'lead')!.count).to.equal(0);

    const res = await manager.agent.get('/agreements/board').expect(200);
    const column = res.text.slice(
      res.text.indexOf('data-stage="negotiation"'),
      res.text.indexOf('data-stage="review"'),
    );
    expect(column).to.contain('data-currency="USD">$1,250.25<');
    expect(column).to.contain('data-currency="THB">THB');
    expect(column).to.match(/column-count">4</);
  });

  it('when the board is filtered by owner, then counts and totals cover only those agreements', async () => {
    await createAgreement({
      partners: [th],
      stage: 'review',
      owner: coordinator.user._id,
      value: { amount: 10, currency: 'SGD' },
    });
    await createAgreement({
      partners: [th],
      stage: 'review',
      owner: manager.user._id,
      value: { amount: 99, currency: 'SGD' },
    });
    const columns = await loadBoard(
      { category: '', owner: coordinator.user._id.toHexString(), event: '' },
      undefined,
    );
    const review = columns.find((c) => c.stage === 'review')!;
    expect(review.count).to.equal(1);
    expect(review.totals).to.deep.equal([['SGD', 10]]);
    expect(await AgreementModel.countDocuments()).to.equal(2);
  });
});

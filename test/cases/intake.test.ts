import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { CaseModel, createCase, type ComplaintCase } from '../../src/modules/cases/index.js';
import type { Desk } from '../../src/modules/desks/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createDesk, createRule } from '../factories/desk.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';
import { SYSTEM } from '../../src/modules/audit/index.js';

const today = () => new Date().toISOString().slice(0, 10);

describe('logging a complaint (intake, numbering, routing)', () => {
  const { app } = useTestApp();
  let coord: LoggedIn;
  let fallback: Desk;

  beforeEach(async () => {
    await clearDatabase();
    coord = await loginAs(app(), 'coordinator', { name: 'Chen Jing' });
    fallback = await createDesk({ name: 'Chongqing desk', isDefault: true });
  });

  const form = (over: Record<string, string | string[]> = {}) => ({
    channel: 'wechat',
    complainantName: 'Li Wei',
    complainantContact: 'wechat: liwei88',
    complainantNationality: 'CN',
    originCountry: 'CN',
    incidentCountry: 'TH',
    incidentCity: 'Chiang Mai',
    incidentDate: '2026-01-10',
    category: 'forced_shopping',
    description: 'Guide kept the group in a jewellery shop for three hours.',
    priority: 'high',
    ...over,
  });

  it('when a coordinator logs a complaint, then it gets a CC-<year>-<6 digits> number, is routed to the default desk with SLA due times, and is audited', async () => {
    const res = await coord.post('/cases', form()).expect(302);
    const id = /\/cases\/([0-9a-f]{24})$/.exec(res.headers.location!)![1];
    const c = await CaseModel.findById(id).lean<ComplaintCase>();
    expect(c!.number).to.match(/^CC-\d{4}-\d{6}$/);
    expect(c!.desk.equals(fallback._id)).to.equal(true);
    expect(c!.status).to.equal('new');
    expect(c!.complainant?.name).to.equal('Li Wei');
    expect(c!.countryPair).to.equal('CN>TH');
    // high on the test policy: ack 8 h, resolve 72 h
    expect(c!.ackDueAt.getTime() - c!.openedAt.getTime()).to.equal(8 * 3_600_000);
    expect(c!.resolveDueAt.getTime() - c!.openedAt.getTime()).to.equal(72 * 3_600_000);
    expect(c!.timeline.map((e) => e.kind)).to.deep.equal(['created', 'routed']);
    expect(await AuditEntryModel.countDocuments({ action: 'case.create', entityId: id })).to.equal(1);
    const page = await coord.agent.get(`/cases/${id}`).expect(200);
    expect(page.text).to.contain(c!.number);
    expect(page.text).to.contain('Routed to the default desk Chongqing desk');
  });

  it('when a routing rule matches, then the case goes to its desk, is assigned to the least busy officer, and the timeline names the rule', async () => {
    const busy = await createUser({ role: 'complaint_officer', name: 'Busy Officer' });
    const free = await createUser({ role: 'complaint_officer', name: 'Free Officer' });
    const thai = await createDesk({ name: 'Thailand desk', members: [busy, free] });
    await createRule(thai, {
      name: 'Incidents in Thailand',
      incidentCountry: ['TH'],
      assignment: 'least_open',
    });
    for (let i = 0; i < 2; i += 1) {
      await coord.post('/cases', form()).expect(302);
    }
    const both = await CaseModel.find({}).sort({ number: 1 }).lean<ComplaintCase[]>();
    expect(both.map((c) => c.desk.toHexString())).to.deep.equal([
      thai._id.toHexString(),
      thai._id.toHexString(),
    ]);
    // First to the first officer by name (tie at 0), second to the other (least open).
    expect(both.map((c) => c.assignee!.toHexString()).sort()).to.deep.equal(
      [busy._id.toHexString(), free._id.toHexString()].sort(),
    );
    expect(both[0]!.status).to.equal('assigned');
    const routed = both[0]!.timeline.find((e) => e.kind === 'routed')!;
    expect((routed.meta as { rule: string }).rule).to.equal('Incidents in Thailand');
    expect(both[0]!.timeline.some((e) => e.kind === 'assigned')).to.equal(true);
  });

  it('when the first matching rule is disabled or later rules also match, then the first enabled match wins', async () => {
    const a = await createDesk({ name: 'Desk A' });
    const b = await createDesk({ name: 'Desk B' });
    await createRule(a, { name: 'off', incidentCountry: ['TH'], enabled: false });
    await createRule(b, { name: 'forced shopping', category: ['forced_shopping'] });
    await createRule(a, { name: 'Thailand', incidentCountry: ['TH'] });
    await coord.post('/cases', form()).expect(302);
    const c = await CaseModel.findOne({}).lean<ComplaintCase>();
    expect(c!.desk.equals(b._id)).to.equal(true);
  });

  it('when partners are chosen, then the rule matching on partner type routes it and they are linked', async () => {
    const airline = await createPartner({ type: 'airline', name: 'Sky Thai' });
    const airDesk = await createDesk({ name: 'Airline desk' });
    await createRule(airDesk, { name: 'Airlines', partnerType: ['airline'] });
    await coord.post('/cases', form({ partners: [airline._id.toHexString()] })).expect(302);
    const c = await CaseModel.findOne({}).lean<ComplaintCase>();
    expect(c!.desk.equals(airDesk._id)).to.equal(true);
    expect(c!.partners.map(String)).to.deep.equal([airline._id.toHexString()]);
  });

  it('when 50 complaints are logged at once, then they get 50 distinct numbers', async () => {
    const user = {
      _id: coord.user._id,
      email: coord.user.email,
      name: 'x',
      role: 'coordinator',
      desks: [],
      locale: 'en',
      timeZone: 'UTC',
    } as unknown as Express.User;
    const input = {
      channel: 'phone',
      complainantName: 'A',
      complainantContact: '',
      complainantNationality: '',
      originCountry: 'CN',
      incidentCountry: 'VN',
      incidentCity: '',
      incidentDate: '2026-01-01',
      category: 'pricing',
      partners: [],
      description: 'd',
      priority: 'normal',
      pq: '',
      intent: 'save',
    } as const;
    const made = await Promise.all(
      Array.from({ length: 50 }, () =>
        createCase({ ...input, partners: [] }, user, SYSTEM, { timeZone: 'UTC' }),
      ),
    );
    const numbers = new Set(made.map((c) => c.number));
    expect(numbers.size).to.equal(50);
    expect(await CaseModel.countDocuments({})).to.equal(50);
    for (const n of numbers) expect(n).to.match(/^CC-\d{4}-\d{6}$/);
  });

  it('when the form has bad enums, a future incident date, a forged partner id or operator objects, then it is re-shown with field errors (422), values kept and nothing saved', async () => {
    const res = await coord
      .post(
        '/cases',
        form({
          channel: 'telegram',
          category: 'noise',
          priority: 'extreme',
          originCountry: 'XX',
        }),
      )
      .expect(422);
    for (const f of ['f-channel', 'f-category', 'f-priority', 'f-originCountry']) {
      expect(res.text).to.match(new RegExp(`id="${f}-error"`));
    }
    expect(res.text).to.contain('value="Li Wei"');

    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const r2 = await coord.post('/cases', form({ incidentDate: future })).expect(422);
    expect(r2.text).to.contain('The incident date cannot be in the future.');

    const forged = '0123456789abcdef01234567';
    const r3 = await coord.post('/cases', form({ partners: [forged] })).expect(422);
    expect(r3.text).to.contain('Choose partners from the search results');

    // Operator objects in a JSON body are field errors, never query operators.
    await coord.agent
      .post('/cases')
      .set('Accept', 'text/html')
      .send({ _csrf: coord.csrf, ...form(), partners: { $ne: null }, desk: { $gt: '' } })
      .expect(422);
    expect(await CaseModel.countDocuments({})).to.equal(0);
  });

  it('when "Search" is pressed in the partner box, then matches are offered and nothing is saved', async () => {
    await createPartner({ name: 'Golden Lotus Travel' });
    const res = await coord.post('/cases', form({ pq: 'Lotus', intent: 'search' })).expect(200);
    expect(res.text).to.contain('Golden Lotus Travel');
    expect(res.text).to.contain('value="Li Wei"');
    expect(await CaseModel.countDocuments({})).to.equal(0);
  });

  it('when staff opens the intake form, then it is refused; every other role gets it', async () => {
    const staff = await loginAs(app(), 'staff');
    await staff.agent.get('/cases/new').expect(403);
    await staff.post('/cases', form()).expect(403);
    for (const role of ['admin', 'manager', 'coordinator', 'complaint_officer'] as const) {
      const u = await loginAs(app(), role);
      await u.agent.get('/cases/new').expect(200);
    }
  });

  it('when there is no default desk and no rule matches, then the form says so and nothing is saved', async () => {
    await clearDatabase();
    const again = await loginAs(app(), 'coordinator');
    const res = await again.post('/cases', form({ incidentDate: today() }));
    expect(res.status).to.equal(409);
    expect(await CaseModel.countDocuments({})).to.equal(0);
  });
});

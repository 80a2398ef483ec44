import { expect } from 'chai';
import { Types } from 'mongoose';
import { AgreementModel } from '../../src/modules/agreements/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { PartnerModel, type Partner } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createEvent } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';

const idFrom = (location: string | undefined): string => {
  const m = /^\/agreements\/([0-9a-f]{24})$/.exec(location ?? '');
  if (!m) throw new Error(`not an agreement page: ${String(location)}`);
  return m[1]!;
};

describe('agreements: create and edit', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let coordinator: LoggedIn;
  let otherCoordinator: LoggedIn;
  let staff: LoggedIn;
  let officer: LoggedIn;
  let partner: Partner;
  let thai: Partner;

  before(async () => {
    manager = await loginAs(app(), 'manager');
    coordinator = await loginAs(app(), 'coordinator');
    otherCoordinator = await loginAs(app(), 'coordinator');
    staff = await loginAs(app(), 'staff');
    officer = await loginAs(app(), 'complaint_officer');
    partner = await createPartner({ name: 'Chongqing Scenic Group', country: 'CN', type: 'scenic_area' });
    thai = await createPartner({
      name: 'Siam Distribution',
      country: 'TH',
      type: 'distributor_international',
    });
  });

  const form = (over: Record<string, string | string[]> = {}) => ({
    title: 'Scenic channel 2026',
    category: 'scenic_channel',
    partners: [partner._id.toHexString(), thai._id.toHexString()],
    valueAmount: '250000.50',
    valueCurrency: 'CNY',
    expectedSignAt: '2026-09-30',
    effectiveFrom: '',
    expiresAt: '',
    event: '',
    notes: 'First draft',
    intent: 'save',
    ...over,
  });

  it('when a coordinator creates an agreement, then it is stored at lead, owned by them, with one history entry and an audit entry, and the page shows it', async () => {
    const res = await coordinator.post('/agreements', form()).expect(302);
    const id = idFrom(res.headers.location);
    const a = await AgreementModel.findById(id).lean();
    expect(a!.stage).to.equal('lead');
    expect(String(a!.owner)).to.equal(coordinator.user._id.toHexString());
    expect(a!.value).to.deep.equal({ amount: 250000.5, currency: 'CNY' });
    expect(a!.partnerCountries).to.deep.equal(['CN', 'TH']);
    expect(a!.partnerTypes).to.deep.equal(['distributor_international', 'scenic_area']);
    expect(a!.stageHistory).to.have.length(1);
    expect(a!.stageHistory[0]).to.include({ from: null, to: 'lead' });
    expect(a!.expectedSignAt!.toISOString()).to.equal('2026-09-30T00:00:00.000Z');
    const audit = await AuditEntryModel.findOne({
      entity: 'agreement',
      entityId: id,
      action: 'agreement.create',
    });
    expect(audit).to.not.equal(null);
    const page = await coordinator.agent.get(`/agreements/${id}`).expect(200);
    expect(page.text).to.contain('Scenic channel 2026').and.to.contain('Siam Distribution');
  });

  it('when a coordinator names another owner, then they still own what they draft (only managers assign owners)', async () => {
    const res = await coordinator.post(
      '/agreements',
      form({ owner: otherCoordinator.user._id.toHexString() }),
    );
    // The owner field is not on their form; sent anyway it is ignored.
    const a = await AgreementModel.findById(idFrom(res.headers.location)).lean();
    expect(String(a!.owner)).to.equal(coordinator.user._id.toHexString());
  });

  it('when a manager assigns an owner who cannot own agreements (staff), then the owner field is refused', async () => {
    const res = await manager.post('/agreements', form({ owner: staff.user._id.toHexString() })).expect(422);
    expect(res.text).to.contain('Choose an active coordinator, manager or administrator.');
  });

  describe('bad input: clear errors, values kept, nothing written', () => {
    const cases: [string, Record<string, string | string[]>, string, string][] = [
      ['an unknown currency', { valueCurrency: 'XYZ' }, 'valueCurrency', 'Choose an ISO 4217 currency code'],
      ['a negative value', { valueAmount: '-5' }, 'valueAmount', 'The amount cannot be negative.'],
      ['a non-numeric value', { valueAmount: 'lots' }, 'valueAmount', 'Enter a number.'],
      [
        'an amount without currency',
        { valueCurrency: '' },
        'valueCurrency',
        'Choose the currency of the amount.',
      ],
      ['no partner', { partners: [] }, 'partners', 'Choose at least one partner.'],
      [
        'a forged partner id',
        { partners: [new Types.ObjectId().toHexString()] },
        'partners',
        'A chosen partner does not exist.',
      ],
      ['a malformed partner id', { partners: ['{"$ne":null}'] }, 'partners', 'Choose a valid record.'],
      [
        'an end before the start',
        { effectiveFrom: '2026-05-01', expiresAt: '2026-04-30' },
        'expiresAt',
        'The expiry date must be after the effective date.',
      ],
      ['no title', { title: '  ' }, 'title', 'This field is required.'],
      ['an unknown category', { category: 'casino' }, 'category', 'Choose one of the listed values.'],
      ['an impossible date', { expectedSignAt: '2026-02-30' }, 'expectedSignAt', 'Enter a valid date.'],
    ];
    for (const [what, over, field, message] of cases) {
      it(`when the form has ${what}, then 422 names the ${field} field and keeps what was typed`, async () => {
        const before = await AgreementModel.countDocuments();
        const res = await manager.post('/agreements', form({ title: 'Kept <title>', ...over })).expect(422);
        expect(res.text).to.contain(message);
        expect(res.text).to.contain(`id="f-${field}-error"`);
        if (field !== 'title') expect(res.text).to.contain('value="Kept &lt;title&gt;"');
        expect(await AgreementModel.countDocuments()).to.equal(before);
      });
    }

    it('when a partner is archived, then it cannot be added to an agreement', async () => {
      const archived = await createPartner({ name: 'Gone Travel', archivedAt: new Date() });
      const res = await manager
        .post('/agreements', form({ partners: [archived._id.toHexString()] }))
        .expect(422);
      expect(res.text).to.contain('A chosen partner is archived');
    });

    it('when the event does not exist, then the event field is refused', async () => {
      const res = await manager
        .post('/agreements', form({ event: new Types.ObjectId().toHexString() }))
        .expect(422);
      expect(res.text).to.contain('Choose an existing event.');
    });

    it('when an operator object is sent as JSON for partners, then it is refused, never used as a query', async () => {
      const res = await manager.agent
        .post('/agreements')
        .set('Accept', 'application/json')
        .send({ _csrf: manager.csrf, ...form(), partners: { $ne: null } });
      expect(res.status).to.equal(422);
    });
  });

  it('when the picker is searched, then the form comes back with matches and the typed values, and nothing is saved', async () => {
    const before = await AgreementModel.countDocuments();
    const res = await manager
      .post('/agreements', form({ intent: 'findPartners', pq: 'siam', partners: [], title: 'Draft title' }))
      .expect(200);
    expect(res.text).to.contain('Siam Distribution');
    expect(res.text).to.contain(`value="${thai._id.toHexString()}"`);
    expect(res.text).to.contain('value="Draft title"');
    expect(await AgreementModel.countDocuments()).to.equal(before);
  });

  describe('permissions and row scope', () => {
    it('when a coordinator edits an agreement they own, then it is saved and audited with before/after', async () => {
      const a = await createAgreement({ partners: [partner], owner: coordinator.user._id, title: 'Mine' });
      await coordinator.agent.get(`/agreements/${a._id.toHexString()}/edit`).expect(200);
      await coordinator
        .post(
          `/agreements/${a._id.toHexString()}`,
          form({ title: 'Mine, renamed', partners: [partner._id.toHexString()] }),
        )
        .expect(302);
      const after = await AgreementModel.findById(a._id).lean();
      expect(after!.title).to.equal('Mine, renamed');
      const audit = await AuditEntryModel.findOne({
        entityId: a._id.toHexString(),
        action: 'agreement.update',
      }).lean();
      expect(audit!.changes.find((c) => c.field === 'title')).to.deep.include({
        before: 'Mine',
        after: 'Mine, renamed',
      });
    });

    it('when a coordinator edits another owner’s agreement, then 403 and nothing changes', async () => {
      const a = await createAgreement({
        partners: [partner],
        owner: otherCoordinator.user._id,
        title: 'Theirs',
      });
      const id = a._id.toHexString();
      await coordinator.agent.get(`/agreements/${id}/edit`).expect(403);
      await coordinator.post(`/agreements/${id}`, form({ title: 'Hijacked' })).expect(403);
      await coordinator
        .post(`/agreements/${id}/stage`, { to: 'negotiation', fromStage: 'lead', version: '0' })
        .expect(403);
      await coordinator.post(`/agreements/${id}/renew`).expect(403);
      await coordinator.post(`/agreements/${id}`, form({ intent: 'findPartners', pq: 'siam' })).expect(403);
      expect((await AgreementModel.findById(a._id).lean())!.title).to.equal('Theirs');
      // They may still read it, without edit controls.
      const page = await coordinator.agent.get(`/agreements/${id}`).expect(200);
      expect(page.text).not.to.contain(`/agreements/${id}/edit`);
    });

    it('when staff open agreements, then they read but cannot create or edit; complaint officers have no access', async () => {
      const a = await createAgreement({ partners: [partner], owner: manager.user._id });
      const id = a._id.toHexString();
      await staff.agent.get('/agreements').expect(200);
      await staff.agent.get(`/agreements/${id}`).expect(200);
      await staff.agent.get('/agreements/new').expect(403);
      await staff.post('/agreements', form()).expect(403);
      await staff.post(`/agreements/${id}`, form()).expect(403);
      await staff.agent.get('/agreements/metrics').expect(403);
      await officer.agent.get('/agreements').expect(403);
      await officer.agent.get(`/agreements/${id}`).expect(403);
      await coordinator.agent.get('/agreements/metrics').expect(403);
      await manager.agent.get('/agreements/metrics').expect(200);
    });

    it('when a manager edits anyone’s agreement, then it is saved, and they may reassign the owner', async () => {
      const a = await createAgreement({ partners: [partner], owner: coordinator.user._id });
      await manager
        .post(
          `/agreements/${a._id.toHexString()}`,
          form({ owner: otherCoordinator.user._id.toHexString(), partners: [partner._id.toHexString()] }),
        )
        .expect(302);
      expect(String((await AgreementModel.findById(a._id).lean())!.owner)).to.equal(
        otherCoordinator.user._id.toHexString(),
      );
    });

    it('when an agreement keeps a partner archived since, then editing it still saves', async () => {
      const later = await createPartner({ name: 'Later Archived Ltd' });
      const a = await createAgreement({ partners: [later], owner: manager.user._id });
      await PartnerModel.updateOne({ _id: later._id }, { $set: { archivedAt: new Date() } });
      await manager
        .post(`/agreements/${a._id.toHexString()}`, form({ partners: [later._id.toHexString()] }))
        .expect(302);
    });
  });

  it('when the title and notes hold markup, then every page shows it escaped', async () => {
    const event = await createEvent({ name: 'XSS Expo' });
    const evil = '<script>alert(1)</script>';
    const a = await createAgreement({
      title: `Deal ${evil}`,
      notes: `Note <img src=x onerror=alert(2)>`,
      partners: [partner],
      owner: manager.user._id,
      event: event._id,
    });
    const id = a._id.toHexString();
    for (const path of [
      `/agreements/${id}`,
      '/agreements',
      '/agreements/board',
      `/agreements/${id}/edit`,
      `/partners/${partner._id.toHexString()}`,
      `/events/${event._id.toHexString()}`,
    ]) {
      const res = await manager.agent.get(path).expect(200);
      expect(res.text, path).not.to.contain(evil);
      expect(res.text, path).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text, path).not.to.contain('<img src=x');
    }
  });
});

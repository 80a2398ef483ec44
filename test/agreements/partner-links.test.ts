import { expect } from 'chai';
import { AgreementModel } from '../../src/modules/agreements/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createEvent } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';

describe('agreements: partner and event pages, partner merges and partner changes', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;

  before(async () => {
    manager = await loginAs(app(), 'manager');
  });

  it('when partner B is merged into A, then B’s agreements name A instead, an agreement naming both names A once, and each move is audited', async () => {
    const a = await createPartner({ name: 'Survivor Tours', country: 'SG', type: 'travel_agency' });
    const b = await createPartner({ name: 'Survivor Tours Pte', country: 'MY', type: 'hotel' });
    const c = await createPartner({ name: 'Bystander', country: 'LA', type: 'airline' });
    const onlyB = await createAgreement({ title: 'Only B', partners: [b, c] });
    const both = await createAgreement({ title: 'Both', partners: [a, b] });
    const onlyA = await createAgreement({ title: 'Only A', partners: [a] });

    await manager
      .post(`/partners/${a._id.toHexString()}/merge`, { otherId: b._id.toHexString() })
      .expect(302);

    const [x, y, z] = await Promise.all(
      [onlyB, both, onlyA].map((d) => AgreementModel.findById(d._id).lean()),
    );
    expect(x!.partners.map(String)).to.deep.equal([a._id.toHexString(), c._id.toHexString()]);
    expect(x!.partnerCountries).to.deep.equal(['LA', 'SG']);
    expect(x!.partnerTypes).to.deep.equal(['airline', 'travel_agency']);
    expect(y!.partners.map(String)).to.deep.equal([a._id.toHexString()]);
    expect(z!.partners.map(String)).to.deep.equal([a._id.toHexString()]);
    expect(await AgreementModel.countDocuments({ partners: b._id })).to.equal(0);
    const moves = await AuditEntryModel.countDocuments({ action: 'agreement.partners.move' });
    expect(moves).to.equal(2);

    const page = await manager.agent.get(`/partners/${a._id.toHexString()}`).expect(200);
    expect(page.text).to.contain('Only B').and.to.contain('Both').and.to.contain('Only A');
  });

  it('when a partner’s country or type changes, then its agreements follow in the country and type filters', async () => {
    const p = await createPartner({ name: 'Moving Partner', country: 'TH', type: 'hotel' });
    const ag = await createAgreement({ partners: [p], owner: manager.user._id });
    await manager
      .post(`/partners/${p._id.toHexString()}`, {
        name: 'Moving Partner',
        type: 'airline',
        country: 'VN',
        allianceStatus: 'member',
        confirmDuplicate: '1',
      })
      .expect(302);
    const after = await AgreementModel.findById(ag._id).lean();
    expect(after!.partnerCountries).to.deep.equal(['VN']);
    expect(after!.partnerTypes).to.deep.equal(['airline']);
  });

  it('when a partner page and an event page are opened, then they list the agreements linked to them, with a link to start one', async () => {
    const p = await createPartner({ name: 'Section Partner' });
    const event = await createEvent({ name: 'Annual Exchange Meeting' });
    await createAgreement({ title: 'From the meeting', partners: [p], event: event._id, stage: 'signed' });
    const partnerPage = await manager.agent.get(`/partners/${p._id.toHexString()}`).expect(200);
    expect(partnerPage.text).to.contain('From the meeting');
    expect(partnerPage.text).to.contain(`/agreements/new?partner=${p._id.toHexString()}`);
    const eventPage = await manager.agent.get(`/events/${event._id.toHexString()}`).expect(200);
    expect(eventPage.text).to.contain('Agreements from this event');
    expect(eventPage.text).to.contain('From the meeting');
    const form = await manager.agent.get(`/agreements/new?partner=${p._id.toHexString()}`).expect(200);
    expect(form.text).to.match(new RegExp(`value="${p._id.toHexString()}"[^>]*checked`));
  });
});

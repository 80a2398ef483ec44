import { expect } from 'chai';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { EventModel } from '../../src/modules/events/index.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createContact } from '../factories/contact.js';
import { createEvent } from '../factories/event.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';

describe('merging partners moves every linked record', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when a manager merges B into A over HTTP, then B’s contacts, interactions and event links point at A and A’s last interaction is the newest of both', async () => {
    const manager = await loginAs(app(), 'manager');
    const a = await createPartner({ name: 'Saigontourist', country: 'VN' });
    const b = await createPartner({ name: 'Saigon Tourist Holding', country: 'VN' });
    const aPrimary = await createContact({ partner: a, name: 'Tran Van An', primary: true });
    const bPrimary = await createContact({ partner: b, name: 'Le Thi Hoa', primary: true });
    const older = await createInteraction({
      partner: a,
      by: manager.user._id,
      occurredAt: new Date('2026-01-05T03:00:00Z'),
    });
    const newest = await createInteraction({
      partner: b,
      by: manager.user._id,
      occurredAt: new Date('2026-10-01T03:00:00Z'),
      contacts: [bPrimary._id],
    });
    const both = await createEvent({ name: 'Both attended', partners: [a._id, b._id] });
    const onlyB = await createEvent({ name: 'Only B', partners: [b._id], contacts: [bPrimary._id] });

    await manager
      .post(`/partners/${a._id.toHexString()}/merge`, { otherId: b._id.toHexString() })
      .expect(302);

    expect(await ContactModel.countDocuments({ partner: b._id })).to.equal(0);
    const moved = await ContactModel.findById(bPrimary._id).lean();
    expect(String(moved?.partner)).to.equal(a._id.toHexString());
    expect(moved?.primary, 'the survivor keeps its own primary').to.equal(false);
    expect((await ContactModel.findById(aPrimary._id).lean())?.primary).to.equal(true);

    expect(await InteractionModel.countDocuments({ partner: b._id })).to.equal(0);
    expect(String((await InteractionModel.findById(newest._id).lean())?.partner)).to.equal(
      a._id.toHexString(),
    );
    expect(String((await InteractionModel.findById(older._id).lean())?.partner)).to.equal(
      a._id.toHexString(),
    );

    const bothAfter = await EventModel.findById(both._id).lean();
    expect(bothAfter!.partners.map(String)).to.deep.equal([a._id.toHexString()]);
    const onlyBAfter = await EventModel.findById(onlyB._id).lean();
    expect(onlyBAfter!.partners.map(String)).to.deep.equal([a._id.toHexString()]);
    expect(onlyBAfter!.contacts.map(String), 'contacts met stay linked').to.deep.equal([
      bPrimary._id.toHexString(),
    ]);

    const survivor = await PartnerModel.findById(a._id).lean();
    expect(survivor?.lastInteractionAt?.toISOString()).to.equal('2026-10-01T03:00:00.000Z');
    const loser = await PartnerModel.findById(b._id).lean();
    expect(String(loser?.mergedInto)).to.equal(a._id.toHexString());

    // The survivor's page shows what moved.
    const page = await manager.agent.get(`/partners/${a._id.toHexString()}`).expect(200);
    expect(page.text).to.contain('Le Thi Hoa').and.contain('Only B');
  });
});

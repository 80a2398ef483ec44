import { expect } from 'chai';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { csvRows } from './support.js';

describe('exports: plaques through the shared export machinery', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  it('when staff export revoked plaques, then only those come, with serial, holder name and country', async () => {
    const staff = await loginAs(app(), 'staff');
    const distributor = await createPartner({
      name: 'Mekong Distribution',
      type: 'distributor_international',
      country: 'VN',
    });
    const university = await createPartner({
      name: 'Chulalongkorn University',
      type: 'university',
      country: 'TH',
    });
    const revoked = await createPlaque({
      partner: distributor._id,
      partnerCountry: 'VN',
      kind: 'image_sales_point',
      status: 'revoked',
    });
    await createPlaque({ partner: university._id, partnerCountry: 'TH', kind: 'student_practice_base' });

    const res = await staff.agent.get('/plaques/export.csv?status=revoked').expect(200);
    const rows = csvRows(res.text);
    expect(rows[0]).to.equal(
      'serial,kind,status,partner_name,partner_country,event_name,awarded_at,valid_until,revoked_at,partner_id,id',
    );
    expect(rows).to.have.length(2);
    expect(
      rows[1]!.startsWith(`${revoked.serial},image_sales_point,revoked,Mekong Distribution,VN,`),
    ).to.equal(true);
    expect(rows[1]).to.contain(revoked._id.toHexString());
  });

  it('when a coordinator or a complaint officer asks, then 403', async () => {
    const coordinator = await loginAs(app(), 'coordinator');
    await coordinator.agent.get('/plaques/export.csv').expect(403);
    const officer = await loginAs(app(), 'complaint_officer');
    await officer.agent.get('/plaques/export.xlsx').expect(403);
  });
});

import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { createAgreement } from '../factories/agreement.js';
import { createPartner } from '../factories/partner.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { csvRows } from './support.js';

const HEADER =
  'title,category,stage,partner_names,owner_email,value_amount,value_currency,expected_sign_at,signed_at,effective_from,expires_at,id,created_at';

describe('exports: agreements through the shared export machinery', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  it('when staff export a filtered agreement list, then only the matching rows come, with partner names, owner e-mail, value and a neutralised title', async () => {
    const staff = await loginAs(app(), 'staff');
    const owner = await loginAs(app(), 'coordinator');
    const dragon = await createPartner({ name: 'Golden Dragon Travel', country: 'TH' });
    const lotus = await createPartner({ name: 'Lotus Cruises', country: 'VN' });
    const signed = await createAgreement({
      title: '=cmd|2026 cruise channel',
      category: 'cruise_channel',
      stage: 'signed',
      partners: [dragon, lotus],
      owner: owner.user._id,
      value: { amount: 1250000, currency: 'CNY' },
    });
    await createAgreement({ title: 'Scenic channel lead', stage: 'lead', partners: [dragon] });

    const res = await staff.agent.get('/agreements/export.csv?stage=signed').expect(200);
    const rows = csvRows(res.text);
    expect(rows[0]).to.equal(HEADER);
    expect(rows).to.have.length(2);
    expect(rows[1]).to.match(
      new RegExp(
        `^'=cmd\\|2026 cruise channel,cruise_channel,signed,Golden Dragon Travel;Lotus Cruises,${owner.user.email.replace('.', '\\.')},1250000,CNY,,2026-01-15`,
      ),
    );
    expect(rows[1]).to.contain(signed._id.toHexString());

    const audit = await AuditEntryModel.findOne({ action: 'agreement.export' }).lean();
    expect(audit).to.not.equal(null);
    expect(audit!.actorEmail).to.equal(staff.user.email);
    expect(audit!.meta).to.deep.include({ format: 'csv', rows: 1 });
  });

  it('when a coordinator or a complaint officer asks, then 403; a coordinator still exports partners', async () => {
    const coordinator = await loginAs(app(), 'coordinator');
    await coordinator.agent.get('/agreements/export.csv').expect(403);
    await coordinator.agent.get('/partners/export.csv').expect(200);
    const officer = await loginAs(app(), 'complaint_officer');
    await officer.agent.get('/agreements/export.csv').expect(403);
  });

  it('when the list page is opened by a manager, then it offers the export with the current filters', async () => {
    const manager = await loginAs(app(), 'manager');
    const page = await manager.agent.get('/agreements?stage=signed').expect(200);
    expect(page.text).to.contain('href="/agreements/export?stage=signed');
    await manager.agent.get('/agreements/export?stage=signed').expect(200);
  });
});

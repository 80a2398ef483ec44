import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { CaseModel, type ComplaintCase } from '../../src/modules/cases/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { createDesk } from '../factories/desk.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);

const FIELDS: Record<string, string> = {
  channel: 'line',
  complainantName: 'Somchai P',
  complainantContact: 'line: somchai',
  originCountry: 'TH',
  incidentCountry: 'CN',
  incidentCity: 'Chongqing',
  incidentDate: '2026-01-10',
  category: 'pricing',
  description: 'Charged twice for the river cruise.',
  priority: 'normal',
};

describe('complaint intake with an attachment', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  function intake(who: Awaited<ReturnType<typeof loginAs>>, file: Buffer, name: string) {
    let req = who.agent.post('/cases').field('_csrf', who.csrf);
    for (const [k, v] of Object.entries(FIELDS)) req = req.field(k, v);
    return req.attach('attachment', file, name);
  }

  it('when a receipt is attached at intake, then the case lists it, desk members download the same bytes, others get 404, and it is audited', async () => {
    const desk = await createDesk({ name: 'Chongqing desk', isDefault: true });
    const coordinator = await loginAs(app(), 'coordinator');
    const res = await intake(coordinator, PDF, '收据 receipt.pdf').expect(302);
    const id = /\/cases\/([0-9a-f]{24})$/.exec(res.headers.location!)![1]!;
    const c = await CaseModel.findById(id).lean<ComplaintCase>();
    expect(c!.attachments).to.have.length(1);
    const a = c!.attachments[0]!;
    expect(a).to.include({ filename: '收据 receipt.pdf', contentType: 'application/pdf', size: PDF.length });
    expect(await AuditEntryModel.countDocuments({ action: 'case.attach', entityId: id })).to.equal(1);

    const officer = await loginAs(app(), 'complaint_officer');
    await UserModel.updateOne({ _id: officer.user._id }, { desks: [desk._id] });
    const page = await officer.agent.get(`/cases/${id}`).expect(200);
    expect(page.text).to.contain(`/cases/${id}/attachments/${a.fileId.toHexString()}`);
    const file = await officer.agent
      .get(`/cases/${id}/attachments/${a.fileId.toHexString()}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (x: Buffer) => chunks.push(x));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect((file.body as Buffer).equals(PDF)).to.equal(true);
    expect(file.headers['content-disposition']).to.contain("filename*=UTF-8''");

    const stranger = await loginAs(app(), 'complaint_officer');
    await stranger.agent.get(`/cases/${id}/attachments/${a.fileId.toHexString()}`).expect(404);
    await officer.agent.get(`/cases/${id}/attachments/0123456789abcdef01234567`).expect(404);
  });

  it('when the attachment is not a PDF or image by content, then the form comes back with the error and no case is logged', async () => {
    await createDesk({ name: 'Chongqing desk', isDefault: true });
    const coordinator = await loginAs(app(), 'coordinator');
    const res = await intake(coordinator, ELF, 'receipt.pdf').expect(422);
    expect(res.text).to.contain('This file type is not accepted here');
    expect(res.text).to.contain('Charged twice for the river cruise.');
    expect(await CaseModel.countDocuments()).to.equal(0);
  });
});

import { expect } from 'chai';
import { AgreementModel } from '../../src/modules/agreements/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import type { Partner } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createPartner } from '../factories/partner.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);

describe('agreements: attachments', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let owner: LoggedIn;
  let other: LoggedIn;
  let staff: LoggedIn;
  let officer: LoggedIn;
  let partner: Partner;

  before(async () => {
    manager = await loginAs(app(), 'manager');
    owner = await loginAs(app(), 'coordinator');
    other = await loginAs(app(), 'coordinator');
    staff = await loginAs(app(), 'staff');
    officer = await loginAs(app(), 'complaint_officer');
    partner = await createPartner({});
  });

  const upload = (who: LoggedIn, id: unknown, buffer: Buffer, name: string) =>
    who.agent
      .post(`/agreements/${String(id)}/attachments`)
      .field('_csrf', who.csrf)
      .attach('file', buffer, name);

  it('when the owner uploads a PDF, then it is stored in the database, listed, downloadable by readers with its type and name, and both are audited', async () => {
    const a = await createAgreement({ partners: [partner], owner: owner.user._id });
    const id = a._id.toHexString();
    await upload(owner, id, PDF, 'Signed contract 合同.pdf').expect(302);
    const after = await AgreementModel.findById(a._id).lean();
    expect(after!.attachments).to.have.length(1);
    const f = after!.attachments[0]!;
    expect(f).to.include({
      filename: 'Signed contract 合同.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    });
    expect(String(f.by)).to.equal(owner.user._id.toHexString());

    const page = await staff.agent.get(`/agreements/${id}`).expect(200);
    expect(page.text).to.contain('Signed contract 合同.pdf');
    const dl = await staff.agent
      .get(`/agreements/${id}/attachments/${f.fileId.toHexString()}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(dl.headers['content-type']).to.equal('application/pdf');
    expect(dl.headers['content-disposition']).to.contain("filename*=UTF-8''Signed%20contract%20");
    expect(Buffer.compare(dl.body as Buffer, PDF)).to.equal(0);
    const actions = (await AuditEntryModel.find({ entityId: id }).lean()).map((e) => e.action);
    expect(actions).to.include.members(['agreement.attachment.add', 'agreement.attachment.download']);
  });

  it('when a file is not a PDF or image by its content (whatever its name), then 422 beside the file field and nothing is stored', async () => {
    const a = await createAgreement({ partners: [partner], owner: owner.user._id });
    const res = await upload(owner, a._id, Buffer.from('MZ\x90\x00 not really a pdf'), 'contract.pdf').expect(
      422,
    );
    expect(res.text).to.contain('This file type is not accepted here');
    expect(res.text).to.contain('id="f-file-error"');
    const csv = await upload(owner, a._id, Buffer.from('name,value\nx,1\n'), 'data.pdf').expect(422);
    expect(csv.text).to.contain('Allowed: PDF, PNG, JPEG, WEBP');
    expect((await AgreementModel.findById(a._id).lean())!.attachments).to.have.length(0);
  });

  it('when a file is over 10 MB, then it is refused with the limit named', async () => {
    const a = await createAgreement({ partners: [partner], owner: owner.user._id });
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024, 0x20)]);
    const res = await upload(owner, a._id, big, 'big.pdf').expect(422);
    expect(res.text).to.contain('at most 10 MB');
    expect((await AgreementModel.findById(a._id).lean())!.attachments).to.have.length(0);
  });

  it('when someone who may not edit uploads or removes, then 403; complaint officers cannot download', async () => {
    const a = await createAgreement({ partners: [partner], owner: owner.user._id });
    await upload(owner, a._id, PNG, 'map.png').expect(302);
    const fileId = (await AgreementModel.findById(a._id).lean())!.attachments[0]!.fileId.toHexString();
    await upload(other, a._id, PNG, 'x.png').expect(403);
    await upload(staff, a._id, PNG, 'x.png').expect(403);
    await other.post(`/agreements/${a._id.toHexString()}/attachments/${fileId}/delete`).expect(403);
    await officer.agent.get(`/agreements/${a._id.toHexString()}/attachments/${fileId}`).expect(403);
    // A file id of another agreement is not served through this one.
    const b = await createAgreement({ partners: [partner], owner: owner.user._id });
    await manager.agent.get(`/agreements/${b._id.toHexString()}/attachments/${fileId}`).expect(404);
    await manager.post(`/agreements/${a._id.toHexString()}/attachments/${fileId}/delete`).expect(302);
    expect((await AgreementModel.findById(a._id).lean())!.attachments).to.have.length(0);
    await manager.agent.get(`/agreements/${a._id.toHexString()}/attachments/${fileId}`).expect(404);
  });

  it('when the form has no CSRF token, then the upload is refused', async () => {
    const a = await createAgreement({ partners: [partner], owner: owner.user._id });
    await owner.agent
      .post(`/agreements/${a._id.toHexString()}/attachments`)
      .attach('file', PDF, 'a.pdf')
      .expect(403);
  });
});

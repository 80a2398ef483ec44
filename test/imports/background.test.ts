import { expect } from 'chai';
import { config } from '../../src/config/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import {
  ImportBatchModel,
  runImportJob,
  setBackgroundThreshold,
  sweepImports,
} from '../../src/modules/imports/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { mongoose } from '../../src/lib/db/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';
import { uploadTo } from './support.js';

describe('imports: large files run in the background', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
    setBackgroundThreshold(2);
  });

  afterEach(() => setBackgroundThreshold(config.importBackgroundRows));

  function batchId(location: string | undefined): string {
    const id = /^\/imports\/([0-9a-f]{24})$/.exec(location ?? '')?.[1];
    expect(id, location).to.be.a('string');
    return id!;
  }

  it('when a file has more rows than the threshold, then a job imports it with progress, notifies, and the batch can be undone', async () => {
    const file = 'name,type,country\nOne,hotel,TH\nTwo,hotel,TH\nThree,spaceline,TH\n';
    const res = await uploadTo('/partners/import', manager, file, { dryRun: false }).expect(303);
    const id = batchId(res.headers.location);
    const queued = await manager.agent.get(`/imports/${id}`).expect(200);
    expect(queued.text).to.contain('Queued').and.contain('0 of 3 rows').and.contain('http-equiv="refresh"');
    expect(await PartnerModel.countDocuments()).to.equal(0);

    const done = await runImportJob(id);
    expect(done).to.include({ status: 'done', rowsDone: 3, rowsTotal: 3, created: 2, fileId: null });
    // Another instance (or a retry) finds it claimed.
    expect(await runImportJob(id)).to.equal(null);
    expect(await PartnerModel.countDocuments()).to.equal(2);
    const page = await manager.agent.get(`/imports/${id}`).expect(200);
    expect(page.text).to.contain('3 of 3 rows').and.contain('data-row="4" data-outcome="error"');
    const note = await NotificationModel.findOne({ user: manager.user._id, kind: 'import.done' }).lean();
    expect(note?.link).to.equal(`/imports/${id}`);
    const audit = await AuditEntryModel.findOne({ action: 'partner.import' }).lean();
    expect(audit?.meta).to.deep.include({ background: true, batch: id });
    // The uploaded file is gone from GridFS once the run is over.
    expect(await mongoose.connection.db!.collection('files.files').countDocuments()).to.equal(0);

    const admin = await loginAs(app(), 'admin');
    await admin.post(`/imports/${id}/undo`).expect(303);
    expect(await PartnerModel.countDocuments({ archivedAt: null })).to.equal(0);
  });

  it('when a large contacts file is a dry run, then the job stores the report and writes nothing', async () => {
    await createPartner({ name: 'Siam Tours' });
    const file =
      'name,email,partner_name\nA,a@x.example,Siam Tours\nB,b@x.example,Siam Tours\nC,c@x.example,Nowhere\n';
    const res = await uploadTo('/contacts/import', manager, file).expect(303);
    const id = batchId(res.headers.location);
    const done = await runImportJob(id);
    expect(done).to.include({ status: 'done', dryRun: true, created: 0 });
    expect(await ContactModel.countDocuments()).to.equal(0);
    const page = await manager.agent.get(`/imports/${id}`).expect(200);
    expect(page.text)
      .to.contain('Dry run: nothing was saved.')
      .and.contain('No partner “Nowhere” was found.');
    expect(page.text).not.to.contain('id="batch-undo"');
  });

  it('when a run was never picked up or died mid-way, then the sweep runs the first and marks the second failed', async () => {
    const res = await uploadTo(
      '/partners/import',
      manager,
      'name,type,country\nA,hotel,TH\nB,hotel,TH\nC,hotel,TH\n',
      {
        dryRun: false,
      },
    ).expect(303);
    const id = batchId(res.headers.location);
    const dead = await ImportBatchModel.create({
      user: manager.user._id,
      entity: 'partner',
      fileName: 'x.csv',
      fileType: 'csv',
      mode: 'skip',
      background: true,
      status: 'running',
      startedAt: new Date(Date.now() - 60 * 60_000),
    });
    const result = await sweepImports(new Date());
    expect(result).to.deep.equal({ ran: 1, failed: 1 });
    expect((await ImportBatchModel.findById(id).lean())?.status).to.equal('done');
    expect((await ImportBatchModel.findById(dead._id).lean())?.status).to.equal('failed');
  });

  it('when a large file cannot be read (wrong encoding), then it is refused at once and no job is queued', async () => {
    const latin1 = Buffer.from(
      'name,type,country\nCafé,hotel,FR\nCrème,hotel,FR\nÉtoile,hotel,FR\n',
      'latin1',
    );
    const res = await uploadTo('/partners/import', manager, latin1, { dryRun: false }).expect(422);
    expect(res.text).to.contain('The file is not UTF-8');
    expect(await ImportBatchModel.countDocuments()).to.equal(0);
  });
});

import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ExportJobModel, runExportJob, sweepExports } from '../../src/modules/exports/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import { mongoose } from '../../src/lib/db/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';
import { csvRows } from './support.js';

const DAY = 86_400_000;

describe('exports: background jobs', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
    for (let i = 0; i < 7; i += 1) await createPartner({ name: `Bg ${i}`, country: i < 5 ? 'TH' : 'LA' });
  });

  async function requestBackground(): Promise<string> {
    const res = await manager
      .post('/partners/export', {
        country: 'TH',
        format: 'csv',
        columns: ['name', 'country'],
        mode: 'background',
      })
      .expect(303);
    const id = /^\/exports\/([0-9a-f]{24})$/.exec(res.headers.location!)?.[1];
    expect(id).to.be.a('string');
    return id!;
  }

  it('when a background export is requested, then its page shows progress, the job fills a stored file, notifies and audits', async () => {
    const id = await requestBackground();
    const queued = await manager.agent.get(`/exports/${id}`).expect(200);
    expect(queued.text).to.contain('Queued').and.contain('0 of 5 rows');
    await manager.agent.get(`/exports/${id}/download`).expect(410);

    const now = new Date('2026-12-01T10:00:00Z');
    const job = await runExportJob(id, now);
    expect(job).to.include({ status: 'done', rowsDone: 5, rowsTotal: 5 });
    expect(job!.expiresAt!.getTime()).to.equal(now.getTime() + 7 * DAY);
    // A second run (another instance, a retry) finds it claimed and does nothing.
    expect(await runExportJob(id, now)).to.equal(null);

    const done = await manager.agent.get(`/exports/${id}`).expect(200);
    expect(done.text).to.contain('5 of 5 rows').and.contain(`/exports/${id}/download`);
    const note = await NotificationModel.findOne({ user: manager.user._id, kind: 'export.ready' }).lean();
    expect(note?.link).to.equal(`/exports/${id}`);
    const audit = await AuditEntryModel.findOne({ action: 'partner.export' }).lean();
    expect(audit?.actorEmail).to.equal(manager.user.email);
    expect(audit?.meta).to.deep.include({ rows: 5, background: true, exportJob: id });
    const list = await manager.agent.get('/exports').expect(200);
    expect(list.text).to.contain(`/exports/${id}`);
  });

  it('when the file is downloaded, then only the requester and admins get it, and after 7 days the sweep deletes it', async () => {
    const id = await requestBackground();
    const now = new Date();
    await runExportJob(id, now);
    const file = await manager.agent.get(`/exports/${id}/download`).expect(200);
    expect(file.headers['content-disposition']).to.match(/attachment; filename="partners-/);
    expect(csvRows(file.text)).to.deep.equal([
      'name,country',
      'Bg 0,TH',
      'Bg 1,TH',
      'Bg 2,TH',
      'Bg 3,TH',
      'Bg 4,TH',
    ]);

    const other = await loginAs(app(), 'manager');
    await other.agent.get(`/exports/${id}`).expect(404);
    await other.agent.get(`/exports/${id}/download`).expect(404);
    const admin = await loginAs(app(), 'admin');
    await admin.agent.get(`/exports/${id}/download`).expect(200);

    expect(await sweepExports(new Date(now.getTime() + 6 * DAY))).to.deep.equal({ expired: 0, ran: 0 });
    const swept = await sweepExports(new Date(now.getTime() + 7 * DAY + 1000));
    expect(swept.expired).to.equal(1);
    const job = await ExportJobModel.findById(id).lean();
    expect(job).to.include({ status: 'expired', fileId: null });
    expect(await mongoose.connection.db!.collection('files.files').countDocuments()).to.equal(0);
    expect(await mongoose.connection.db!.collection('files.chunks').countDocuments()).to.equal(0);
    await manager.agent.get(`/exports/${id}/download`).expect(410);
  });

  it('when Agenda did not pick a queued export up, then the sweep runs it', async () => {
    const id = await requestBackground();
    expect(await sweepExports(new Date())).to.deep.equal({ expired: 0, ran: 1 });
    expect((await ExportJobModel.findById(id).lean())?.status).to.equal('done');
  });
});

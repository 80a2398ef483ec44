import { expect } from 'chai';
import type { Agenda } from 'agenda';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import {
  definePlaqueJobs,
  expirePlaques,
  JOB_EXPIRE_PLAQUES,
  PlaqueModel,
} from '../../src/modules/plaques/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPlaque } from '../factories/plaque.js';

describe('plaques: the expiry job', () => {
  useTestApp();

  beforeEach(async () => {
    await clearDatabase();
  });

  it('when the clock passes a plaque’s last valid day, then the job expires it once, audited as the system; running again changes nothing', async () => {
    const lastDay = await createPlaque({ validUntil: '2026-06-30' });
    const later = await createPlaque({ validUntil: '2026-07-31' });
    const revoked = await createPlaque({ validUntil: '2026-01-31', status: 'revoked' });

    // 30 June, 23:00 in Chongqing (the alliance's day): still valid.
    expect(await expirePlaques(new Date('2026-06-30T15:00:00Z'))).to.equal(0);
    // 1 July, 00:30 in Chongqing: the last valid day is over.
    const now = new Date('2026-06-30T16:30:00Z');
    expect(await expirePlaques(now)).to.equal(1);
    expect(await expirePlaques(now), 'a second run finds nothing').to.equal(0);
    expect(await expirePlaques(new Date('2026-07-01T06:00:00Z'))).to.equal(0);

    const after = await PlaqueModel.findById(lastDay._id).lean();
    expect(after?.status).to.equal('expired');
    expect(after?.expiredAt?.toISOString()).to.equal(now.toISOString());
    expect((await PlaqueModel.findById(later._id).lean())?.status).to.equal('active');
    expect((await PlaqueModel.findById(revoked._id).lean())?.status, 'revoked stays revoked').to.equal(
      'revoked',
    );
    const audits = await AuditEntryModel.find({ action: 'plaque.expire' }).lean();
    expect(audits).to.have.length(1);
    expect(audits[0]!.actor).to.equal(null);
    expect(audits[0]!.entityId).to.equal(lastDay._id.toHexString());
  });

  it('when two runs race, then each plaque is expired once', async () => {
    for (let i = 0; i < 5; i += 1) await createPlaque({ validUntil: '2026-01-01' });
    const now = new Date('2026-03-01T00:00:00Z');
    const [a, b] = await Promise.all([expirePlaques(now), expirePlaques(now)]);
    expect(await PlaqueModel.countDocuments({ status: 'expired' })).to.equal(5);
    expect(a + b).to.be.at.least(5);
  });

  it('when the jobs are defined, then plaques.expire is scheduled hourly', () => {
    const defined: string[] = [];
    const fake = { define: (name: string) => defined.push(name) } as unknown as Agenda;
    expect(definePlaqueJobs(fake)).to.deep.equal([{ name: JOB_EXPIRE_PLAQUES, interval: '1 hour' }]);
    expect(defined).to.deep.equal([JOB_EXPIRE_PLAQUES]);
  });
});

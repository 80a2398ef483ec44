import { expect } from 'chai';
import { AgreementModel } from '../../src/modules/agreements/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import type { Partner } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createPartner } from '../factories/partner.js';

describe('agreements: stage changes, history and renewal', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let coordinator: LoggedIn;
  let partner: Partner;

  before(async () => {
    manager = await loginAs(app(), 'manager');
    coordinator = await loginAs(app(), 'coordinator');
    partner = await createPartner({ name: 'Vietnam Travel JSC', country: 'VN' });
  });

  const move = (who: LoggedIn, id: unknown, form: Record<string, string>) =>
    who.post(`/agreements/${String(id)}/stage`, form);

  it('when the owner moves review → signed with a signing date, then the stage, signedAt, history (from, to, at, by, note) and audit log all record it', async () => {
    const a = await createAgreement({ partners: [partner], owner: coordinator.user._id, stage: 'review' });
    const res = await move(coordinator, a._id, {
      to: 'signed',
      signedAt: '2026-01-20',
      note: 'Signed at the conference',
      fromStage: 'review',
      version: String(a.stageVersion),
    }).expect(302);
    expect(res.headers.location).to.equal(`/agreements/${a._id.toHexString()}`);
    const after = await AgreementModel.findById(a._id).lean();
    expect(after!.stage).to.equal('signed');
    expect(after!.signedAt!.toISOString()).to.equal('2026-01-20T00:00:00.000Z');
    expect(after!.signedQuarter).to.equal('2026-Q1');
    expect(after!.stageVersion).to.equal(a.stageVersion + 1);
    const last = after!.stageHistory[after!.stageHistory.length - 1]!;
    expect(last).to.include({ from: 'review', to: 'signed', note: 'Signed at the conference' });
    expect(String(last.by)).to.equal(coordinator.user._id.toHexString());
    expect(after!.stageHistory.slice(0, -1)).to.deep.equal(a.stageHistory.map((h) => ({ ...h })));
    const audit = await AuditEntryModel.findOne({
      entityId: a._id.toHexString(),
      action: 'agreement.stage',
    }).lean();
    expect(audit!.meta).to.deep.include({ from: 'review', to: 'signed', system: false });
    const page = await coordinator.agent.get(`/agreements/${a._id.toHexString()}`).expect(200);
    expect(page.text).to.contain('Signed at the conference');
  });

  it('when entering signed without a date, then 422 on the stage page with the field error, nothing written', async () => {
    const a = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'review' });
    const res = await move(manager, a._id, {
      to: 'signed',
      fromStage: 'review',
      version: String(a.stageVersion),
    }).expect(422);
    expect(res.text).to.contain('The signing date is required from Signed on.');
    expect((await AgreementModel.findById(a._id).lean())!.stage).to.equal('review');
  });

  it('when entering active with the end before the start, then 422 names the expiry date', async () => {
    const a = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'signed' });
    const res = await move(manager, a._id, {
      to: 'active',
      effectiveFrom: '2026-03-01',
      expiresAt: '2026-02-01',
      fromStage: 'signed',
      version: String(a.stageVersion),
    }).expect(422);
    expect(res.text).to.contain('The expiry date must be after the effective date.');
  });

  it('when moving backwards without a note, then 422; with a note, then it is applied', async () => {
    const a = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'review' });
    const base = { to: 'negotiation', fromStage: 'review', version: String(a.stageVersion) };
    const res = await move(manager, a._id, base).expect(422);
    expect(res.text).to.contain('a note is required for this move');
    await move(manager, a._id, { ...base, note: 'Legal asked for changes' }).expect(302);
    expect((await AgreementModel.findById(a._id).lean())!.stage).to.equal('negotiation');
  });

  it('when an illegal jump (lead → signed) or a move out of a terminal stage is posted, then it is refused and nothing changes', async () => {
    const lead = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'lead' });
    const r1 = await move(manager, lead._id, {
      to: 'signed',
      signedAt: '2026-01-01',
      fromStage: 'lead',
      version: String(lead.stageVersion),
    }).expect(422);
    expect(r1.text).to.contain('This move is not allowed from the current stage.');
    const done = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'withdrawn' });
    const r2 = await move(manager, done._id, {
      to: 'lead',
      note: 'reopen',
      fromStage: 'withdrawn',
      version: String(done.stageVersion),
    }).expect(422);
    expect(r2.text).to.contain('This agreement is closed');
    expect((await AgreementModel.findById(done._id).lean())!.stage).to.equal('withdrawn');
  });

  it('when the form was decided on an older state (someone moved it meanwhile), then 409 shows the current state and nothing is applied', async () => {
    const a = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'negotiation' });
    await move(manager, a._id, {
      to: 'review',
      fromStage: 'negotiation',
      version: String(a.stageVersion),
    }).expect(302);
    // A second tab still showing "negotiation" posts its own move.
    const res = await move(manager, a._id, {
      to: 'withdrawn',
      note: 'no budget',
      fromStage: 'negotiation',
      version: String(a.stageVersion),
    }).expect(409);
    expect(res.text).to.contain('changed by someone else meanwhile');
    const after = await AgreementModel.findById(a._id).lean();
    expect(after!.stage).to.equal('review');
    expect(after!.stageHistory.filter((h) => h.to === 'withdrawn')).to.have.length(0);
  });

  it('when two users move the same agreement at the same moment, then exactly one change is applied and the other gets 409', async () => {
    const other = await loginAs(app(), 'manager');
    const a = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'lead' });
    const version = String(a.stageVersion);
    const results = await Promise.all([
      move(manager, a._id, { to: 'negotiation', fromStage: 'lead', version }),
      move(other, a._id, { to: 'withdrawn', note: 'dropped', fromStage: 'lead', version }),
    ]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([302, 409]);
    const after = await AgreementModel.findById(a._id).lean();
    expect(after!.stageHistory).to.have.length(a.stageHistory.length + 1);
    expect(after!.stageVersion).to.equal(a.stageVersion + 1);
    const audits = await AuditEntryModel.countDocuments({
      entityId: a._id.toHexString(),
      action: 'agreement.stage',
    });
    expect(audits).to.equal(1);
  });

  it('when a card on the board is moved, then the change applies and the user returns to the board', async () => {
    const a = await createAgreement({
      partners: [partner],
      owner: manager.user._id,
      stage: 'lead',
      title: 'Board card',
    });
    const board = await manager.agent.get('/agreements/board').expect(200);
    expect(board.text).to.contain(`action="/agreements/${a._id.toHexString()}/stage"`);
    const res = await move(manager, a._id, {
      to: 'negotiation',
      fromStage: 'lead',
      version: String(a.stageVersion),
      back: '/agreements/board?owner=mine',
    }).expect(302);
    expect(res.headers.location).to.equal('/agreements/board?owner=mine');
    const evil = await move(manager, a._id, {
      to: 'review',
      fromStage: 'negotiation',
      version: String(a.stageVersion + 1),
      back: '//evil.example/',
    }).expect(302);
    expect(evil.headers.location).to.equal(`/agreements/${a._id.toHexString()}`);
  });

  describe('renewal', () => {
    it('when an active agreement is renewed, then a new one starts at lead linked both ways, and a second renewal is refused', async () => {
      const a = await createAgreement({
        partners: [partner],
        owner: coordinator.user._id,
        stage: 'active',
        value: { amount: 5000, currency: 'USD' },
        title: 'Student base 2026',
      });
      const res = await coordinator.post(`/agreements/${a._id.toHexString()}/renew`).expect(302);
      const newId = /^\/agreements\/([0-9a-f]{24})\/edit$/.exec(String(res.headers.location))![1]!;
      const renewal = await AgreementModel.findById(newId).lean();
      expect(renewal!.stage).to.equal('lead');
      expect(String(renewal!.renewalOf)).to.equal(a._id.toHexString());
      expect(renewal!.value).to.deep.equal({ amount: 5000, currency: 'USD' });
      expect(String(renewal!.owner)).to.equal(coordinator.user._id.toHexString());
      expect(String((await AgreementModel.findById(a._id).lean())!.renewedBy)).to.equal(newId);
      await coordinator.post(`/agreements/${a._id.toHexString()}/renew`).expect(409);
      expect(await AgreementModel.countDocuments({ renewalOf: a._id })).to.equal(1);
    });

    it('when two renewals are posted at once, then one agreement is created', async () => {
      const a = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'expired' });
      const results = await Promise.all([
        manager.post(`/agreements/${a._id.toHexString()}/renew`),
        manager.post(`/agreements/${a._id.toHexString()}/renew`),
      ]);
      expect(results.map((r) => r.status).sort()).to.deep.equal([302, 409]);
      expect(await AgreementModel.countDocuments({ renewalOf: a._id })).to.equal(1);
    });

    it('when an agreement was never signed, then it cannot be renewed', async () => {
      const a = await createAgreement({ partners: [partner], owner: manager.user._id, stage: 'negotiation' });
      await manager.post(`/agreements/${a._id.toHexString()}/renew`).expect(409);
    });
  });
});

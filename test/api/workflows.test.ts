import { expect } from 'chai';
import { Types } from 'mongoose';
import { AgreementModel } from '../../src/modules/agreements/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { CaseModel, type ComplaintCase } from '../../src/modules/cases/index.js';
import type { Desk } from '../../src/modules/desks/index.js';
import { ActualModel, MarketModel, toYearMonth } from '../../src/modules/targets/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { createAgreement } from '../factories/agreement.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createPartner } from '../factories/partner.js';
import { createActuals, createMarket } from '../factories/target.js';
import { createUser } from '../factories/user.js';
import { apiAs, apiFor, type ApiClient } from '../support/api-client.js';
import { clearDatabase, useTestApp } from '../support/db.js';

const hex = (id: Types.ObjectId) => id.toHexString();
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

/** Follows `next` links to the end and answers every row. */
async function walk(client: ApiClient, first: string): Promise<{ id: string }[]> {
  const rows: { id: string }[] = [];
  let res = await client.get(first).expect(200);
  rows.push(...res.body.data);
  let pages = 1;
  while (res.body.next) {
    expect(res.body.next).to.match(/^\/api\/v1\//);
    res = await client.get(res.body.next.replace('/api/v1', '')).expect(200);
    rows.push(...res.body.data);
    pages += 1;
  }
  expect(pages, 'more than one page').to.be.greaterThan(1);
  return rows;
}

describe('JSON API: agreements, cases and targets', () => {
  const { app } = useTestApp();

  beforeEach(async () => {
    await clearDatabase();
  });

  describe('agreements', () => {
    it('when a manager creates, lists, shows and updates an agreement, then it is stored and audited as from the form', async () => {
      const manager = await apiAs(app(), 'manager');
      const partner = await createPartner({ name: 'Thai Smile Tours', country: 'TH' });
      const made = await manager
        .post('/agreements', {
          title: 'Chongqing–Bangkok charter',
          category: 'market_entity_project',
          partners: [hex(partner._id)],
          valueAmount: 125000,
          valueCurrency: 'cny',
          expectedSignAt: '2026-09-01',
          owner: hex(manager.user._id),
        })
        .expect(201);
      expect(made.body.data).to.include({
        title: 'Chongqing–Bangkok charter',
        stage: 'lead',
        stageVersion: 0,
        expectedSignAt: '2026-09-01',
        owner: hex(manager.user._id),
      });
      expect(made.body.data.value).to.deep.equal({ amount: 125000, currency: 'CNY' });
      expect(made.headers.location).to.equal(`/api/v1/agreements/${made.body.data.id}`);
      expect(await AuditEntryModel.countDocuments({ action: 'agreement.create' })).to.equal(1);

      await createAgreement({ title: 'Other one', category: 'mou' });
      const listed = await manager.get(`/agreements?q=charter&country=TH&stage=open`).expect(200);
      expect(listed.body.data.map((a: { title: string }) => a.title)).to.deep.equal([
        'Chongqing–Bangkok charter',
      ]);
      expect(listed.body).to.include({ total: 1, next: null });

      const shown = await manager.get(`/agreements/${made.body.data.id}`).expect(200);
      expect(shown.body.data.stageHistory).to.have.length(1);
      const updated = await manager
        .put(`/agreements/${made.body.data.id}`, {
          title: 'Chongqing–Bangkok charter 2027',
          category: 'market_entity_project',
          partners: [hex(partner._id)],
        })
        .expect(200);
      expect(updated.body.data).to.include({ title: 'Chongqing–Bangkok charter 2027' });
      expect(updated.body.data.value).to.deep.equal({ amount: null, currency: null });
      expect(await AuditEntryModel.countDocuments({ action: 'agreement.update' })).to.equal(1);
    });

    it('when agreement bodies are invalid, then 422 lists every field with its message and nothing is stored', async () => {
      const manager = await apiAs(app(), 'manager');
      const partner = await createPartner();
      const missing = await manager.post('/agreements', { category: 'nope' }).expect(422);
      expect(missing.body.error.code).to.equal('validation_failed');
      expect(missing.body.error.details).to.include.keys('title', 'category');
      const cross = await manager
        .post('/agreements', {
          title: 'Money without currency',
          category: 'market_entity_project',
          valueAmount: 10,
          effectiveFrom: '2026-05-01',
          expiresAt: '2026-04-01',
        })
        .expect(422);
      expect(cross.body.error.details).to.include.keys('partners', 'valueCurrency', 'expiresAt');
      expect(cross.body.error.details.partners).not.to.match(/^agreements\./);
      const operator = await manager
        .post('/agreements', {
          title: { $ne: null },
          category: 'market_entity_project',
          partners: { $ne: null },
        })
        .expect(422);
      expect(operator.body.error.details).to.include.keys('title', 'partners');
      // Form-only keys (the picker's search box, the button) are not part of the API.
      const formKeys = await manager
        .post('/agreements', {
          title: 'X',
          category: 'market_entity_project',
          partners: [hex(partner._id)],
          intent: 'findPartners',
        })
        .expect(422);
      expect(formKeys.body.error.details).to.have.property('intent');
      expect(await AgreementModel.countDocuments({})).to.equal(0);
    });

    it('when a stage is changed, then the board’s rules apply: fromStage/version checked (409 when stale), transitions and dates validated (422)', async () => {
      const manager = await apiAs(app(), 'manager');
      const a = await createAgreement({ stage: 'lead' });
      const path = `/agreements/${hex(a._id)}/stage`;
      const moved = await manager
        .post(path, { to: 'negotiation', fromStage: 'lead', version: 0, note: 'First call' })
        .expect(200);
      expect(moved.body.data).to.include({ stage: 'negotiation', stageVersion: 1 });
      expect(moved.body.data.stageHistory.at(-1)).to.include({ from: 'lead', to: 'negotiation' });
      // The same request again decided on the old state: refused, not applied twice.
      const stale = await manager
        .post(path, { to: 'negotiation', fromStage: 'lead', version: 0 })
        .expect(409);
      expect(stale.body.error.code).to.equal('conflict');
      expect(stale.body.error.message).to.contain('changed');
      const skip = await manager
        .post(path, { to: 'active', fromStage: 'negotiation', version: 1 })
        .expect(422);
      expect(skip.body.error.details).to.have.property('to');
      const bad = await manager.post(path, { to: 'signed', fromStage: 'x', version: -1 }).expect(422);
      expect(bad.body.error.details).to.include.keys('fromStage', 'version');
      const back = await manager.post(path, { to: 'x', back: '/elsewhere' }).expect(422);
      expect(back.body.error.details).to.include.keys('to', 'back');
      const stored = await AgreementModel.findById(a._id).lean();
      expect(stored?.stage).to.equal('negotiation');
      expect(stored?.stageHistory).to.have.length(2);
      expect(await AuditEntryModel.countDocuments({ action: 'agreement.stage' })).to.equal(1);
    });

    it('when roles call agreements, then staff read but never write, officers get 403, coordinators edit and move only their own, unknown ids are 404', async () => {
      const staff = await apiAs(app(), 'staff');
      const officer = await apiAs(app(), 'complaint_officer');
      const coordinator = await apiAs(app(), 'coordinator');
      const partner = await createPartner();
      const mine = await createAgreement({ owner: coordinator.user._id, partners: [partner] });
      const theirs = await createAgreement({ partners: [partner] });
      const body = { title: 'Renamed', category: 'market_entity_project', partners: [hex(partner._id)] };
      await staff.get('/agreements').expect(200);
      await staff.get(`/agreements/${hex(theirs._id)}`).expect(200);
      await staff.post('/agreements', body).expect(403);
      await staff.put(`/agreements/${hex(theirs._id)}`, body).expect(403);
      await officer.get('/agreements').expect(403);
      await officer.get(`/agreements/${hex(theirs._id)}`).expect(403);
      await coordinator.put(`/agreements/${hex(theirs._id)}`, body).expect(403);
      await coordinator
        .post(`/agreements/${hex(theirs._id)}/stage`, { to: 'negotiation', fromStage: 'lead', version: 0 })
        .expect(403);
      await coordinator.put(`/agreements/${hex(mine._id)}`, body).expect(200);
      await coordinator
        .post(`/agreements/${hex(mine._id)}/stage`, { to: 'negotiation', fromStage: 'lead', version: 0 })
        .expect(200);
      // A coordinator's new agreement is theirs whatever owner they name.
      const created = await coordinator
        .post('/agreements', { ...body, owner: hex(staff.user._id) })
        .expect(201);
      expect(created.body.data.owner).to.equal(hex(coordinator.user._id));
      const missing = await coordinator.get(`/agreements/${'0'.repeat(24)}`).expect(404);
      expect(missing.body.error.code).to.equal('not_found');
      await coordinator.put(`/agreements/${'0'.repeat(24)}`, body).expect(404);
      expect((await AgreementModel.findById(theirs._id).lean())?.title).not.to.equal('Renamed');
    });

    it('when agreements fill more than a page, then `next` walks every row once with the filters kept', async function () {
      this.timeout(60_000);
      const staff = await apiAs(app(), 'staff');
      for (let i = 0; i < 52; i += 1) await createAgreement({ category: 'market_entity_project' });
      await createAgreement({ category: 'mou' });
      const rows = await walk(staff, '/agreements?category=market_entity_project');
      expect(rows).to.have.length(52);
      expect(new Set(ids(rows)).size).to.equal(52);
      await staff.get('/agreements?after=garbage').expect(400);
      await staff.get('/agreements?stage=unknown').expect(400);
    });
  });

  describe('cases', () => {
    let desk: Desk;
    let other: Desk;
    let officer: ApiClient;

    beforeEach(async () => {
      officer = await apiAs(app(), 'complaint_officer');
      desk = await createDesk({ name: 'Bangkok desk', isDefault: true, members: [officer.user] });
      other = await createDesk({ name: 'Other desk' });
    });

    const intake = (over: Record<string, unknown> = {}) => ({
      channel: 'wechat',
      complainantName: 'Li Wei',
      complainantContact: 'wechat: liwei88',
      complainantNationality: 'CN',
      originCountry: 'CN',
      incidentCountry: 'TH',
      incidentDate: '2026-01-10',
      category: 'forced_shopping',
      description: 'Guide kept the group in a jewellery shop for three hours.',
      ...over,
    });

    it('when a complaint is logged through the API, then it is numbered, routed and readable with its complainant by the desk', async () => {
      const made = await officer.post('/cases', intake({ priority: 'high' })).expect(201);
      expect(made.body.data.number).to.match(/^CC-\d{4}-\d{6}$/);
      expect(made.body.data).to.include({ status: 'new', priority: 'high', desk: hex(desk._id), version: 1 });
      expect(made.body.data.complainant).to.deep.equal({
        name: 'Li Wei',
        contact: 'wechat: liwei88',
        nationality: 'CN',
      });
      expect(made.headers.location).to.equal(`/api/v1/cases/${made.body.data.id}`);
      expect(made.body.data.timeline.map((e: { kind: string }) => e.kind)).to.deep.equal([
        'created',
        'routed',
      ]);
      expect(await AuditEntryModel.countDocuments({ action: 'case.create' })).to.equal(1);
      const listed = await officer.get('/cases?status=open&priority=high').expect(200);
      expect(ids(listed.body.data)).to.deep.equal([made.body.data.id]);
      expect(listed.body.scope).to.equal('desks');
      expect(listed.body.data[0]).not.to.have.property('complainant');
    });

    it('when intake bodies are invalid, then 422 with details (operator objects, future dates, unknown partners, form-only keys) and no case', async () => {
      const bad = await officer
        .post('/cases', { channel: 'fax', complainantName: { $ne: null } })
        .expect(422);
      expect(bad.body.error.details).to.include.keys(
        'channel',
        'complainantName',
        'originCountry',
        'incidentDate',
        'description',
      );
      const future = await officer
        .post('/cases', intake({ incidentDate: '2999-01-01', partners: ['0'.repeat(24)] }))
        .expect(422);
      expect(future.body.error.details.incidentDate)
        .to.be.a('string')
        .and.not.match(/^cases\./);
      expect(future.body.error.details).to.have.property('partners');
      const formOnly = await officer.post('/cases', intake({ intent: 'search', pq: 'x' })).expect(422);
      expect(formOnly.body.error.details).to.include.keys('intent', 'pq');
      const staff = await apiAs(app(), 'staff');
      await staff.post('/cases', intake()).expect(403);
      expect(await CaseModel.countDocuments({})).to.equal(0);
    });

    it('when a case is worked through the API, then acknowledge, assign, status and notes apply with the version check (409 when stale)', async () => {
      const c = await createCase({ desk, loggedBy: officer.user._id });
      const base = `/cases/${hex(c._id)}`;
      const ack = await officer.post(`${base}/acknowledge`, { version: 1 }).expect(200);
      expect(ack.body.data).to.include({ status: 'triaged', version: 2 });
      expect(ack.body.data.acknowledgedAt).to.be.a('string');
      const stale = await officer.post(`${base}/notes`, { version: 1, note: 'Too late' }).expect(409);
      expect(stale.body.error.code).to.equal('conflict');
      expect(stale.body.error.message).to.contain('Someone changed this case');
      const assigned = await officer
        .post(`${base}/assign`, { version: 2, assignee: hex(officer.user._id) })
        .expect(200);
      expect(assigned.body.data).to.include({
        status: 'assigned',
        assignee: hex(officer.user._id),
        version: 3,
      });
      const outsider = await createUser({ role: 'complaint_officer' });
      const notMember = await officer
        .post(`${base}/assign`, { version: 3, assignee: hex(outsider._id) })
        .expect(422);
      expect(notMember.body.error.details.assignee)
        .to.be.a('string')
        .and.not.match(/^cases\./);
      const working = await officer.post(`${base}/status`, { version: 3, status: 'in_progress' }).expect(200);
      expect(working.body.data.status).to.equal('in_progress');
      const useAction = await officer.post(`${base}/status`, { version: 4, status: 'resolved' }).expect(422);
      expect(useAction.body.error.details).to.have.property('status');
      const illegal = await officer.post(`${base}/status`, { version: 4, status: 'triaged' }).expect(409);
      expect(illegal.body.error.code).to.equal('conflict');
      const noted = await officer
        .post(`${base}/notes`, { version: 4, note: 'Called the agency.', visibility: 'external' })
        .expect(200);
      expect(noted.body.data.version).to.equal(5);
      expect(noted.body.data.timeline.at(-1)).to.include({
        kind: 'note',
        text: 'Called the agency.',
        visibility: 'external',
      });
      const invalid = await officer
        .post(`${base}/notes`, { version: 'x', note: { $gt: '' }, visibility: 'public' })
        .expect(422);
      expect(invalid.body.error.details).to.include.keys('version', 'note', 'visibility');
      const stored = await CaseModel.findById(c._id).lean<ComplaintCase>();
      expect(stored?.version).to.equal(5);
      expect(await AuditEntryModel.countDocuments({ action: 'case.note' })).to.equal(1);
    });

    it('when a case goes through priority, partners, resolve, close, reopen and transfer, then each action applies the page’s rules and version check', async () => {
      const partner = await createPartner({ name: 'Golden Tours' });
      const c = await createCase({ desk, loggedBy: officer.user._id, status: 'in_progress' });
      const base = `/cases/${hex(c._id)}`;
      const urgent = await officer.post(`${base}/priority`, { version: 1, priority: 'urgent' }).expect(200);
      expect(urgent.body.data).to.include({ priority: 'urgent', version: 2 });
      const same = await officer.post(`${base}/priority`, { version: 2, priority: 'urgent' }).expect(422);
      expect(same.body.error.details).to.have.property('priority');
      const empty = await officer.post(`${base}/partners`, { version: 2, partners: [] }).expect(422);
      expect(empty.body.error.details).to.have.property('partners');
      const linked = await officer
        .post(`${base}/partners`, { version: 2, partners: [hex(partner._id)] })
        .expect(200);
      expect(linked.body.data.partners).to.deep.equal([hex(partner._id)]);
      const noCode = await officer.post(`${base}/resolve`, { version: 3 }).expect(422);
      expect(noCode.body.error.details).to.include.keys('resolutionCode', 'resolutionText');
      const resolved = await officer
        .post(`${base}/resolve`, {
          version: 3,
          resolutionCode: 'apology',
          resolutionText: 'Agency apologised.',
        })
        .expect(200);
      expect(resolved.body.data).to.include({ status: 'resolved', version: 4 });
      expect(resolved.body.data.resolution).to.deep.equal({ code: 'apology', text: 'Agency apologised.' });
      const closed = await officer.post(`${base}/close`, { version: 4 }).expect(200);
      expect(closed.body.data.status).to.equal('closed');
      await officer.post(`${base}/close`, { version: 5 }).expect(409);
      await officer.post(`${base}/reopen`, { version: 5 }).expect(422);
      const reopened = await officer.post(`${base}/reopen`, { version: 5, reason: 'Came back.' }).expect(200);
      expect(reopened.body.data).to.include({ status: 'reopened', version: 6 });
      const sameDesk = await officer
        .post(`${base}/transfer`, { version: 6, toDesk: hex(desk._id), transferNote: 'x' })
        .expect(422);
      expect(sameDesk.body.error.details).to.have.property('toDesk');
      const moved = await officer
        .post(`${base}/transfer`, { version: 6, toDesk: hex(other._id), transferNote: 'Their market.' })
        .expect(200);
      expect(moved.body.data).to.include({ desk: hex(other._id), assignee: null });
      // Now a past desk: the officer still reads the case (and the transfer note) but no longer works it.
      const transfer = moved.body.data.timeline.find((e: { kind: string }) => e.kind === 'transferred');
      expect(transfer).to.include({ text: 'Their market.', visibility: 'internal' });
      await officer.post(`${base}/priority`, { version: 7, priority: 'low' }).expect(403);
      const audited = await AuditEntryModel.distinct('action', { entityId: hex(c._id) });
      expect(audited).to.include.members([
        'case.priority',
        'case.link_partners',
        'case.resolve',
        'case.close',
        'case.reopen',
        'case.transfer',
      ]);
    });

    it('when roles act on cases, then readers who may not work get 403, non-readers 404, as on the page', async () => {
      const coordinator = await apiAs(app(), 'coordinator');
      const staff = await apiAs(app(), 'staff');
      const logged = await createCase({ desk: other, loggedBy: coordinator.user._id });
      const elsewhere = await createCase({ desk: other, loggedBy: coordinator.user._id });
      const past = await createCase({ desk: other, loggedBy: coordinator.user._id, pastDesks: [desk._id] });
      const note = { version: 1, note: 'n' };
      // The coordinator logged it: reads it, may not work it.
      await coordinator.get(`/cases/${hex(logged._id)}`).expect(200);
      await coordinator.post(`/cases/${hex(logged._id)}/notes`, note).expect(403);
      await staff.get('/cases').expect(403);
      await staff.get(`/cases/${hex(logged._id)}`).expect(403);
      // Not on its desk: the case does not exist for this officer.
      await officer.get(`/cases/${hex(elsewhere._id)}`).expect(404);
      await officer.post(`/cases/${hex(elsewhere._id)}/notes`, note).expect(404);
      // A past desk reads but no longer works it.
      await officer.get(`/cases/${hex(past._id)}`).expect(200);
      const refused = await officer.post(`/cases/${hex(past._id)}/notes`, note).expect(403);
      expect(refused.body.error.code).to.equal('forbidden');
      await officer.get('/cases?scope=all').expect(403);
      await officer.post(`/cases/${'0'.repeat(24)}/status`, { version: 1, status: 'triaged' }).expect(404);
      expect((await CaseModel.findById(past._id).lean())?.version).to.equal(1);
    });

    it('when a reader without restricted access opens a case, then complainant details and internal notes are left out, as on the page; managers outside the desk are audited', async () => {
      const coordinator = await apiAs(app(), 'coordinator');
      const manager = await apiAs(app(), 'manager');
      const c = await createCase({ desk, loggedBy: coordinator.user._id, complainantName: 'Wang Fang' });
      const base = `/cases/${hex(c._id)}`;
      await officer
        .post(`${base}/notes`, { version: 1, note: 'Internal: VIP', visibility: 'internal' })
        .expect(200);
      await officer
        .post(`${base}/notes`, { version: 2, note: 'Shared update', visibility: 'external' })
        .expect(200);

      const redacted = await coordinator.get(base).expect(200);
      expect(redacted.body.data.complainant).to.equal(null);
      expect(JSON.stringify(redacted.body)).not.to.contain('Wang Fang').and.not.to.contain('Internal: VIP');
      expect(redacted.body.data.timeline.map((e: { text: string }) => e.text)).to.include('Shared update');

      const full = await manager.get(base).expect(200);
      expect(full.body.data.complainant.name).to.equal('Wang Fang');
      expect(full.body.data.timeline.map((e: { text: string }) => e.text)).to.include('Internal: VIP');
      expect(await AuditEntryModel.countDocuments({ action: 'case.view_restricted' })).to.equal(1);
      const desk2 = await officer.get(base).expect(200);
      expect(desk2.body.data.complainant.name).to.equal('Wang Fang');
      expect(await AuditEntryModel.countDocuments({ action: 'case.view_restricted' })).to.equal(1);
    });

    it('when cases fill more than a page, then `next` walks them in due order, each once', async function () {
      this.timeout(60_000);
      const manager = await apiAs(app(), 'manager');
      const start = Date.now() - 3_600_000;
      for (let i = 0; i < 53; i += 1)
        await createCase({ desk, loggedBy: officer.user._id, openedAt: new Date(start + i * 1000) });
      const rows = await walk(manager, `/cases?desk=${hex(desk._id)}`);
      expect(rows).to.have.length(53);
      expect(new Set(ids(rows)).size).to.equal(53);
      const due = rows.map((r) => Date.parse((r as unknown as { dueAt: string }).dueAt));
      expect(due).to.deep.equal([...due].sort((a, b) => a - b));
    });
  });

  describe('targets', () => {
    it('when a manager creates and edits markets, then they are stored, audited, and listed with progress and totals', async () => {
      const manager = await apiAs(app(), 'manager');
      const made = await manager
        .post('/targets', {
          origin: 'th',
          destination: 'CN-CQ',
          baselineYear: 2024,
          baselineVisitors: 100000,
          targetYear: 2028,
        })
        .expect(201);
      expect(made.body.data).to.include({ origin: 'TH', destination: 'CN-CQ', multiplier: 2, owner: null });
      expect(made.headers.location).to.equal(`/api/v1/targets/${made.body.data.id}`);
      const id = made.body.data.id as string;
      await createActuals(new Types.ObjectId(id), { 202401: 8000, 202402: 9000, 202501: 10000 });

      const shown = await manager.get(`/targets/${id}`).expect(200);
      expect(shown.body.data.direction).to.equal('inbound');
      expect(shown.body.data.progress.target).to.equal(200000);
      expect(shown.body.data.progress.rate).to.be.closeTo(2 ** (1 / 4) - 1, 1e-12);
      expect(shown.body.data.progress.reference).to.deep.equal({ year: 2025, month: 1 });
      expect(shown.body.data.progress.status).to.be.oneOf(['on_track', 'at_risk', 'off_track', 'no_data']);

      const list = await manager.get('/targets').expect(200);
      expect(ids(list.body.data)).to.deep.equal([id]);
      expect(list.body.next).to.equal(null);
      expect(list.body.totals.all).to.include({ markets: 1, baseline: 100000, target: 200000 });
      expect(list.body.totals.inbound.markets).to.equal(1);

      const updated = await manager
        .put(`/targets/${id}`, {
          origin: 'TH',
          destination: 'CN-CQ',
          baselineYear: 2024,
          baselineVisitors: 100000,
          multiplier: 3,
          targetYear: 2028,
          notes: 'Raised',
        })
        .expect(200);
      expect(updated.body.data).to.include({ multiplier: 3, notes: 'Raised' });
      expect(await AuditEntryModel.countDocuments({ action: /^target\.market\./ })).to.equal(2);
    });

    it('when market bodies are invalid or the pair exists, then 422 with details; other roles get 403; unknown ids 404', async () => {
      const manager = await apiAs(app(), 'manager');
      const coordinator = await apiAs(app(), 'coordinator');
      const staff = await apiAs(app(), 'staff');
      const officer = await apiAs(app(), 'complaint_officer');
      await createMarket({ origin: 'TH', destination: 'CN-CQ' });
      const body = {
        origin: 'TH',
        destination: 'CN-CQ',
        baselineYear: 2024,
        baselineVisitors: 1,
        targetYear: 2028,
      };
      const dup = await manager.post('/targets', body).expect(422);
      expect(dup.body.error.details.destination)
        .to.be.a('string')
        .and.not.match(/^targets\./);
      const bad = await manager
        .post('/targets', { origin: 'XX', destination: { $ne: null }, baselineYear: 2024, targetYear: 2020 })
        .expect(422);
      expect(bad.body.error.details).to.include.keys(
        'origin',
        'destination',
        'baselineVisitors',
        'targetYear',
      );
      await coordinator.post('/targets', { ...body, origin: 'VN' }).expect(403);
      await staff.put(`/targets/${'0'.repeat(24)}`, body).expect(403);
      await officer.get('/targets').expect(403);
      await staff.get('/targets').expect(200);
      await staff.get(`/targets/${'0'.repeat(24)}`).expect(404);
      await manager.put(`/targets/${'0'.repeat(24)}`, { ...body, origin: 'VN' }).expect(404);
      await staff.get('/targets?after=garbage').expect(400);
      expect(await MarketModel.countDocuments({})).to.equal(1);
    });

    it('when actuals are read and replaced a year at a time, then month → visitors: null removes a month, months left out are kept, re-sending changes nothing', async () => {
      const manager = await apiAs(app(), 'manager');
      const market = await createMarket({ baselineYear: 2024 });
      await createActuals(market._id, { 202501: 500, 202502: 600, 202503: 700, 202412: 50 });
      const path = `/targets/${hex(market._id)}/actuals`;
      const read = await manager.get(`${path}?year=2025`).expect(200);
      expect(read.body.data.year).to.equal(2025);
      expect(read.body.data.months).to.include({ 1: 500, 2: 600, 3: 700, 4: null });
      expect(Object.keys(read.body.data.months)).to.have.length(12);
      expect(read.body.data.path['1']).to.be.a('number');

      const put = await manager.put(path, { year: 2025, months: { 1: 550, 2: null, 4: '800' } }).expect(200);
      expect(put.body.data.changed).to.equal(3);
      expect(put.body.data.months).to.include({ 1: 550, 2: null, 3: 700, 4: 800 });
      const stored = await ActualModel.find({ market: market._id }).lean();
      expect(stored.map((a) => [a.yearMonth, a.visitors]).sort()).to.deep.equal([
        [202412, 50],
        [202501, 550],
        [202503, 700],
        [202504, 800],
      ]);
      expect(stored.find((a) => a.yearMonth === toYearMonth(2025, 4))?.source).to.equal('form');
      const again = await manager.put(path, { year: 2025, months: { 1: 550, 4: 800 } }).expect(200);
      expect(again.body.data.changed).to.equal(0);
      expect(await AuditEntryModel.countDocuments({ action: 'target.actuals.update' })).to.equal(1);

      const bad = await manager
        .put(path, { year: 1999, months: { 1: -5, 2: 1.5, 13: 4, 3: { $gt: 0 } } })
        .expect(422);
      expect(bad.body.error.details).to.include.keys('year', 'months.1', 'months.2', 'months.13', 'months.3');
      await manager.get(`${path}?year=abc`).expect(400);
      expect(await ActualModel.countDocuments({ market: market._id })).to.equal(4);
    });

    it('when roles enter actuals, then coordinators only on markets they own, staff and officers never; unknown markets 404', async () => {
      const coordinator = await apiAs(app(), 'coordinator');
      const staff = await apiAs(app(), 'staff');
      const officer = await apiAs(app(), 'complaint_officer');
      const mine = await createMarket({ origin: 'VN', owner: coordinator.user._id });
      const theirs = await createMarket({ origin: 'LA' });
      const body = { year: 2025, months: { 1: 10 } };
      await coordinator.get(`/targets/${hex(theirs._id)}/actuals`).expect(403);
      await coordinator.put(`/targets/${hex(theirs._id)}/actuals`, body).expect(403);
      await coordinator.get(`/targets/${hex(mine._id)}/actuals`).expect(200);
      await coordinator.put(`/targets/${hex(mine._id)}/actuals`, body).expect(200);
      await staff.get(`/targets/${hex(mine._id)}/actuals`).expect(403);
      await officer.put(`/targets/${hex(mine._id)}/actuals`, body).expect(403);
      await coordinator.get(`/targets/${'0'.repeat(24)}/actuals`).expect(404);
      await coordinator.put(`/targets/${'0'.repeat(24)}/actuals`, body).expect(404);
      expect(await ActualModel.countDocuments({ market: theirs._id })).to.equal(0);
      expect(await ActualModel.countDocuments({ market: mine._id })).to.equal(1);
    });

    it('when markets fill more than a page, then `next` walks every market once in pair order', async function () {
      this.timeout(60_000);
      const staff = await apiAs(app(), 'staff');
      const codes = [
        'AE',
        'AR',
        'AT',
        'AU',
        'BD',
        'BE',
        'BR',
        'CA',
        'CH',
        'CL',
        'CZ',
        'DE',
        'DK',
        'EG',
        'ES',
        'FI',
        'FR',
        'GB',
        'GR',
        'HK',
        'HU',
        'ID',
        'IE',
        'IL',
        'IN',
        'IT',
        'JP',
        'KH',
        'KR',
      ];
      for (const origin of codes) {
        await createMarket({ origin, destination: 'CN-CQ' });
        await createMarket({ origin: 'CN-CQ', destination: origin });
      }
      const rows = await walk(staff, '/targets');
      expect(rows).to.have.length(codes.length * 2);
      expect(new Set(ids(rows)).size).to.equal(codes.length * 2);
    });
  });

  it('when a token user is disabled mid-way, then the new resources answer 401 too', async () => {
    const manager = await apiAs(app(), 'manager');
    await manager.get('/cases').expect(200);
    await UserModel.updateOne({ _id: manager.user._id }, { $set: { disabledAt: new Date() } });
    for (const path of ['/agreements', '/cases', '/targets']) await manager.get(path).expect(401);
    const other = await apiFor(app(), await createUser({ role: 'manager' }));
    await other.get('/targets').expect(200);
  });
});

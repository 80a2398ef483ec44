import { expect } from 'chai';
import { Types } from 'mongoose';
import { mongoose } from '../../src/lib/db/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { PlaqueModel } from '../../src/modules/plaques/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds, nextPageHref } from '../support/pages.js';
import { createEvent } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';

const hex = (id: Types.ObjectId) => id.toHexString();
const pageUrl = (path: string, href: string) => (href.startsWith('/') ? href : `${path}${href}`);

describe('plaques', () => {
  const { app } = useTestApp();
  let coordinator: LoggedIn;
  let otherCoordinator: LoggedIn;
  let manager: LoggedIn;
  let staff: LoggedIn;
  let officer: LoggedIn;

  before(async () => {
    await clearDatabase();
    coordinator = await loginAs(app(), 'coordinator');
    otherCoordinator = await loginAs(app(), 'coordinator');
    manager = await loginAs(app(), 'manager');
    staff = await loginAs(app(), 'staff');
    officer = await loginAs(app(), 'complaint_officer');
  });

  beforeEach(async () => {
    await Promise.all(
      ['plaques', 'partners', 'events', 'auditentries', 'counters'].map((c) =>
        mongoose.connection.db!.collection(c).deleteMany({}),
      ),
    );
  });

  describe('awarding', () => {
    it('when a coordinator awards an Image Sales Point to an international distributor at an event, then it is stored with a serial, audited, and its page shows it', async () => {
      const partner = await createPartner({
        name: 'Bangkok Holidays Co.',
        type: 'distributor_international',
        country: 'TH',
      });
      const event = await createEvent({ name: 'Global Partners Conference' });
      const res = await coordinator
        .post('/plaques', {
          kind: 'image_sales_point',
          partner: hex(partner._id),
          event: hex(event._id),
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
          notes: 'Handed over on stage',
        })
        .expect(302);
      const plaque = await PlaqueModel.findOne({}).lean();
      expect(res.headers.location).to.equal(`/plaques/${hex(plaque!._id)}`);
      expect(plaque).to.include({
        kind: 'image_sales_point',
        serial: 'CQSEA-ISP-2025-001',
        status: 'active',
        partnerCountry: 'TH',
        year: 2025,
      });
      expect(String(plaque!.awardedBy)).to.equal(hex(coordinator.user._id));
      const audit = await AuditEntryModel.findOne({ action: 'plaque.award' }).lean();
      expect(audit?.entityId).to.equal(hex(plaque!._id));
      const page = await coordinator.agent.get(res.headers.location as string).expect(200);
      expect(page.text)
        .to.contain('CQSEA-ISP-2025-001')
        .and.contain('Bangkok Holidays Co.')
        .and.contain('Global Partners Conference');
      expect(page.text).to.contain('Handed over on stage');
    });

    it('when the award form is opened for a kind, then only partners of the eligible type are offered, searchable by name', async () => {
      const uni = await createPartner({ name: 'Chongqing University', type: 'university', country: 'CN' });
      const uni2 = await createPartner({ name: 'Mahidol University', type: 'university', country: 'TH' });
      const agency = await createPartner({
        name: 'University Travel Agency',
        type: 'travel_agency',
        country: 'TH',
      });
      const page = await coordinator.agent.get('/plaques/new?kind=student_practice_base').expect(200);
      expect(page.text)
        .to.contain(`value="${hex(uni._id)}"`)
        .and.contain(`value="${hex(uni2._id)}"`);
      expect(page.text).not.to.contain(hex(agency._id));
      const searched = await coordinator.agent
        .get('/plaques/new?kind=student_practice_base&pq=mahidol')
        .expect(200);
      expect(searched.text)
        .to.contain(hex(uni2._id))
        .and.not.contain(`value="${hex(uni._id)}"`);
      const fromPartner = await coordinator.agent.get(`/plaques/new?partner=${hex(uni._id)}`).expect(200);
      expect(fromPartner.text).to.contain('name="kind" value="student_practice_base"');
      expect(fromPartner.text).to.match(new RegExp(`value="${hex(uni._id)}" checked`));
    });

    it('when an ineligible partner is posted anyway (forged form), then the server refuses it with the rule on the partner field and writes nothing', async () => {
      const airline = await createPartner({ name: 'Thai Skyways', type: 'airline' });
      const res = await coordinator
        .post('/plaques', {
          kind: 'image_sales_point',
          partner: hex(airline._id),
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
        })
        .expect(422);
      expect(res.text).to.contain('Image Sales Point plaques are awarded to international distributors only');
      expect(await PlaqueModel.countDocuments({})).to.equal(0);
      expect(await AuditEntryModel.countDocuments({ action: 'plaque.award' })).to.equal(0);
    });

    it('when bad input is sent (unknown kind, forged partner id, valid until before the award), then each gets a clear 422 and nothing is written', async () => {
      const partner = await createPartner({ type: 'university' });
      const unknownKind = await coordinator
        .post('/plaques', {
          kind: 'gold_star',
          partner: hex(partner._id),
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
        })
        .expect(422);
      expect(unknownKind.text).to.contain('Choose one of the listed values.');

      const forged = await coordinator
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: hex(new Types.ObjectId()),
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
        })
        .expect(422);
      expect(forged.text).to.contain('Choose a partner that exists and is not archived.');

      const notAnId = await coordinator
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: '{"$ne":null}',
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
        })
        .expect(422);
      expect(notAnId.text).to.contain('Choose a valid record.');

      const backwards = await coordinator
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: hex(partner._id),
          awardedAt: '2025-11-17',
          validUntil: '2025-11-01',
          notes: 'kept text',
        })
        .expect(422);
      expect(backwards.text).to.contain('Valid until must be after the award date.');
      expect(backwards.text, 'values kept').to.contain('value="2025-11-01"').and.contain('kept text');

      const badDay = await coordinator
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: hex(partner._id),
          awardedAt: '2025-02-30',
          validUntil: '2028-11-16',
        })
        .expect(422);
      expect(badDay.text).to.contain('Enter a valid date.');

      const forgedEvent = await coordinator
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: hex(partner._id),
          event: hex(new Types.ObjectId()),
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
        })
        .expect(422);
      expect(forgedEvent.text).to.contain('Choose an event that exists.');

      const archived = await createPartner({ type: 'university', archivedAt: new Date() });
      await coordinator
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: hex(archived._id),
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
        })
        .expect(422);

      expect(await PlaqueModel.countDocuments({})).to.equal(0);
    });

    it('when staff or a complaint officer try to award, then they are refused (403)', async () => {
      const partner = await createPartner({ type: 'university' });
      const form = {
        kind: 'student_practice_base',
        partner: hex(partner._id),
        awardedAt: '2025-11-17',
        validUntil: '2028-11-16',
      };
      await staff.post('/plaques', form).expect(403);
      await officer.post('/plaques', form).expect(403);
      await staff.agent.get('/plaques/new').expect(403);
      expect(await PlaqueModel.countDocuments({})).to.equal(0);
    });

    it('when a plaque is recorded after its validity ended, then it is stored as expired', async () => {
      const partner = await createPartner({ type: 'distributor_domestic', country: 'CN' });
      await manager
        .post('/plaques', {
          kind: 'regional_marketing',
          partner: hex(partner._id),
          awardedAt: '2019-05-01',
          validUntil: '2021-04-30',
        })
        .expect(302);
      const plaque = await PlaqueModel.findOne({}).lean();
      expect(plaque).to.include({ status: 'expired', serial: 'CQSEA-RM-2019-001' });
    });
  });

  describe('revoking', () => {
    it('when a manager revokes with a reason, then the plaque is revoked, the reason and who are stored and audited', async () => {
      const plaque = await createPlaque({ awardedBy: coordinator.user._id });
      await manager
        .post(`/plaques/${hex(plaque._id)}/revoke`, { reason: 'Partner left the alliance' })
        .expect(302);
      const after = await PlaqueModel.findById(plaque._id).lean();
      expect(after).to.include({
        status: 'revoked',
        revokeReason: 'Partner left the alliance',
        serial: plaque.serial,
      });
      expect(String(after!.revokedBy)).to.equal(hex(manager.user._id));
      const audit = await AuditEntryModel.findOne({ action: 'plaque.revoke' }).lean();
      expect(audit?.entityId).to.equal(hex(plaque._id));
      expect(audit?.actor?.toString()).to.equal(hex(manager.user._id));
      expect(JSON.stringify(audit?.changes)).to.contain('Partner left the alliance');
      const page = await manager.agent.get(`/plaques/${hex(plaque._id)}`).expect(200);
      expect(page.text).to.contain('Revoked').and.contain('Partner left the alliance');
    });

    it('when the reason is missing, then the page is shown again with a field error (422) and nothing changes', async () => {
      const plaque = await createPlaque();
      const res = await manager.post(`/plaques/${hex(plaque._id)}/revoke`, { reason: '   ' }).expect(422);
      expect(res.text).to.contain('This field is required.');
      expect(res.text).to.contain(plaque.serial);
      expect((await PlaqueModel.findById(plaque._id).lean())?.status).to.equal('active');
      expect(await AuditEntryModel.countDocuments({ action: 'plaque.revoke' })).to.equal(0);
    });

    it('when a coordinator revokes, then only plaques they awarded are allowed; staff never', async () => {
      const mine = await createPlaque({ awardedBy: coordinator.user._id });
      const theirs = await createPlaque({ awardedBy: otherCoordinator.user._id });
      await coordinator.post(`/plaques/${hex(theirs._id)}/revoke`, { reason: 'no' }).expect(403);
      await staff.post(`/plaques/${hex(mine._id)}/revoke`, { reason: 'no' }).expect(403);
      await coordinator
        .post(`/plaques/${hex(mine._id)}/revoke`, { reason: 'Recorded by mistake' })
        .expect(302);
      expect((await PlaqueModel.findById(mine._id).lean())?.status).to.equal('revoked');
      expect((await PlaqueModel.findById(theirs._id).lean())?.status).to.equal('active');
      const theirsPage = await coordinator.agent.get(`/plaques/${hex(theirs._id)}`).expect(200);
      expect(theirsPage.text, 'no revoke form offered').not.to.contain('/revoke"');
    });

    it('when a revoked plaque is revoked again, then it is a conflict and the first reason stays', async () => {
      const plaque = await createPlaque({ status: 'revoked', revokeReason: 'First reason' });
      const res = await manager.agent
        .post(`/plaques/${hex(plaque._id)}/revoke`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ _csrf: manager.csrf, reason: 'Second' });
      expect(res.status).to.equal(409);
      expect((await PlaqueModel.findById(plaque._id).lean())?.revokeReason).to.equal('First reason');
    });
  });

  describe('the list', () => {
    it('when filtered by kind, status, partner country, event and year, then only matching plaques are listed', async () => {
      const event = await createEvent();
      const vn = await createPlaque({ kind: 'image_sales_point', partnerCountry: 'VN', event: event._id });
      const th = await createPlaque({ kind: 'image_sales_point', partnerCountry: 'TH', status: 'expired' });
      const uni = await createPlaque({
        kind: 'student_practice_base',
        partnerCountry: 'CN',
        awardedAt: '2026-03-01',
        validUntil: '2029-02-28',
      });
      const ids = async (q: string) =>
        linkedIds((await staff.agent.get(`/plaques${q}`).expect(200)).text, '/plaques').sort();
      expect(await ids('')).to.deep.equal([vn, th, uni].map((p) => hex(p._id)).sort());
      expect(await ids('?kind=image_sales_point')).to.deep.equal([vn, th].map((p) => hex(p._id)).sort());
      expect(await ids('?status=expired')).to.deep.equal([hex(th._id)]);
      expect(await ids('?country=vn')).to.deep.equal([hex(vn._id)]);
      expect(await ids(`?event=${hex(event._id)}`)).to.deep.equal([hex(vn._id)]);
      expect(await ids('?year=2026')).to.deep.equal([hex(uni._id)]);
      await staff.agent.get('/plaques?kind=gold').expect(400);
      await staff.agent.get('/plaques?status[$ne]=x').expect(400);
      await officer.agent.get('/plaques').expect(403);
    });

    it('when there are more plaques than a page, then the cursor pages through all, newest award first, without repeats', async function () {
      this.timeout(60_000);
      const partner = await createPartner({ type: 'university' });
      const created = [];
      for (let i = 0; i < 55; i += 1) {
        const d = `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
        created.push(
          await createPlaque({ kind: 'student_practice_base', partner: partner._id, awardedAt: d }),
        );
      }
      const first = await manager.agent.get('/plaques').expect(200);
      const page1 = linkedIds(first.text, '/plaques');
      expect(page1).to.have.length(50);
      const href = nextPageHref(first.text);
      expect(href).to.be.a('string');
      const second = await manager.agent.get(pageUrl('/plaques', href!)).expect(200);
      const page2 = linkedIds(second.text, '/plaques');
      expect(page2).to.have.length(5);
      expect(nextPageHref(second.text)).to.equal(undefined);
      const all = [...page1, ...page2];
      expect(new Set(all).size).to.equal(55);
      const order = [...created]
        .sort((a, b) => b.awardedAt.getTime() - a.awardedAt.getTime() || (hex(b._id) < hex(a._id) ? -1 : 1))
        .map((p) => hex(p._id));
      expect(all).to.deep.equal(order);
    });
  });

  describe('partner and event pages, merge', () => {
    it('when a partner holds plaques, then its page shows current and past plaques and an award link for its eligible kind', async () => {
      const partner = await createPartner({ type: 'distributor_domestic', country: 'CN' });
      const current = await createPlaque({
        kind: 'regional_marketing',
        partner: partner._id,
        partnerCountry: 'CN',
      });
      const past = await createPlaque({
        kind: 'regional_marketing',
        partner: partner._id,
        partnerCountry: 'CN',
        status: 'expired',
        awardedAt: '2020-01-01',
        validUntil: '2022-12-31',
      });
      const page = await coordinator.agent.get(`/partners/${hex(partner._id)}`).expect(200);
      expect(page.text).to.contain('id="plaques"').and.contain(current.serial).and.contain(past.serial);
      expect(page.text.indexOf(current.serial)).to.be.lessThan(page.text.indexOf(past.serial));
      expect(page.text).to.contain(`/plaques/new?partner=${hex(partner._id)}`);
      const staffPage = await staff.agent.get(`/partners/${hex(partner._id)}`).expect(200);
      expect(staffPage.text).to.contain(current.serial).and.not.contain('/plaques/new?');
      const officerPage = await officer.agent.get(`/partners/${hex(partner._id)}`).expect(200);
      expect(officerPage.text, 'complaint officers do not read plaques').not.to.contain(current.serial);
      const airline = await createPartner({ type: 'airline' });
      const airlinePage = await coordinator.agent.get(`/partners/${hex(airline._id)}`).expect(200);
      expect(airlinePage.text).not.to.contain('id="plaques"');
    });

    it('when plaques were awarded at an event, then the event page lists them', async () => {
      const event = await createEvent({ name: 'Annual Exchange Meeting' });
      const plaque = await createPlaque({ event: event._id });
      const page = await staff.agent.get(`/events/${hex(event._id)}`).expect(200);
      expect(page.text).to.contain('Plaques awarded').and.contain(plaque.serial);
    });

    it('when two partners are merged, then the plaques of the merged one move to the survivor with their serials, audited', async () => {
      const a = await createPartner({
        name: 'Chongqing Travel A',
        type: 'distributor_domestic',
        country: 'CN',
      });
      const b = await createPartner({
        name: 'Chongqing Travel B',
        type: 'distributor_domestic',
        country: 'CN',
      });
      const plaque = await createPlaque({ kind: 'regional_marketing', partner: b._id, partnerCountry: 'CN' });
      await manager.post(`/partners/${hex(a._id)}/merge`, { otherId: hex(b._id) }).expect(302);
      const moved = await PlaqueModel.findById(plaque._id).lean();
      expect(String(moved?.partner)).to.equal(hex(a._id));
      expect(moved?.serial).to.equal(plaque.serial);
      expect(
        await AuditEntryModel.countDocuments({ action: 'plaque.move', entityId: hex(plaque._id) }),
      ).to.equal(1);
    });

    it('when a partner’s country changes, then its plaques follow for the country filter', async () => {
      const partner = await createPartner({
        name: 'Lao Journeys',
        type: 'distributor_international',
        country: 'LA',
      });
      const plaque = await createPlaque({ partner: partner._id, partnerCountry: 'LA' });
      await manager
        .post(`/partners/${hex(partner._id)}`, {
          name: 'Lao Journeys',
          type: 'distributor_international',
          country: 'KH',
          allianceStatus: 'member',
          confirmDuplicate: '1',
        })
        .expect(302);
      expect((await PlaqueModel.findById(plaque._id).lean())?.partnerCountry).to.equal('KH');
    });
  });
});

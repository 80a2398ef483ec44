import { expect } from 'chai';
import type { Types } from 'mongoose';
import request from 'supertest';
import { mongoose } from '../../src/lib/db/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ApiTokenModel, hashToken, RATE_LIMIT } from '../../src/modules/api/index.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { PlaqueModel } from '../../src/modules/plaques/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { csrfFrom, loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';
import { apiAs } from '../support/api-client.js';

const hex = (id: Types.ObjectId) => id.toHexString();

describe('JSON API', () => {
  const { app } = useTestApp();

  const defaultLimit = RATE_LIMIT.perMinute;

  beforeEach(async () => {
    await clearDatabase();
  });

  // Tests of the limit lower it; every other file (one process) must see the default again.
  afterEach(() => {
    RATE_LIMIT.perMinute = defaultLimit;
  });

  describe('authentication', () => {
    it('when a request has no token, a malformed one or an unknown one, then it gets 401 JSON with a WWW-Authenticate challenge', async () => {
      for (const auth of [
        undefined,
        'Bearer',
        'Bearer nonsense',
        `Bearer acrm_${'x'.repeat(43)}`,
        'Basic dXNlcjpwYXNz',
      ]) {
        const req = request(app()).get('/api/v1/partners');
        const res = await (auth ? req.set('Authorization', auth) : req);
        expect(res.status, String(auth)).to.equal(401);
        expect(res.type).to.equal('application/json');
        expect(res.body.error.code).to.equal('unauthorized');
        expect(res.body.error.message).to.contain('Authorization: Bearer');
        expect(res.headers['www-authenticate']).to.contain('Bearer');
      }
    });

    it('when a signed-in browser session calls the API without a token, then the session is not accepted (401)', async () => {
      const session = await loginAs(app(), 'admin');
      const res = await session.agent.get('/api/v1/partners');
      expect(res.status).to.equal(401);
      const post = await session.agent
        .post('/api/v1/partners')
        .set('X-CSRF-Token', session.csrf)
        .send({ name: 'X', type: 'airline', country: 'TH' });
      expect(post.status).to.equal(401);
      expect(await PartnerModel.countDocuments({})).to.equal(0);
    });

    it('when a valid token is sent, then the request runs as its user without session or CSRF, and the token’s last use is recorded', async () => {
      const manager = await apiAs(app(), 'manager');
      const res = await manager
        .post('/partners', { name: 'Vietravel', type: 'travel_agency', country: 'vn' })
        .expect(201);
      expect(res.headers['set-cookie'], 'no session cookie').to.equal(undefined);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.body.data).to.include({ name: 'Vietravel', country: 'VN', type: 'travel_agency' });
      expect(res.headers.location).to.equal(`/api/v1/partners/${res.body.data.id}`);
      expect(res.body.data).not.to.have.property('searchTokens');
      const audit = await AuditEntryModel.findOne({ action: 'partner.create' }).lean();
      expect(audit?.actorEmail).to.equal(manager.user.email);
      const stored = await ApiTokenModel.findOne({ user: manager.user._id }).lean();
      expect(stored?.lastUsedAt).to.be.instanceOf(Date);
    });

    it('when a token is revoked, or its user disabled, then it stops working at once', async () => {
      const staff = await apiAs(app(), 'staff');
      await staff.get('/partners').expect(200);
      await ApiTokenModel.updateOne({ user: staff.user._id }, { $set: { revokedAt: new Date() } });
      await staff.get('/partners').expect(401);

      const coordinator = await apiAs(app(), 'coordinator');
      await coordinator.get('/partners').expect(200);
      await UserModel.updateOne({ _id: coordinator.user._id }, { $set: { disabledAt: new Date() } });
      await coordinator.get('/partners').expect(401);
    });

    it('when a path under /api/v1 does not exist, then the answer is a JSON 404, not a page', async () => {
      const admin = await apiAs(app(), 'admin');
      const res = await admin.get('/nothing-here').expect(404);
      expect(res.body.error.code).to.equal('not_found');
      const bad = await admin.get('/partners/not-an-id').expect(404);
      expect(bad.type).to.equal('application/json');
    });
  });

  describe('tokens on the profile', () => {
    it('when a user creates a token, then it is shown once, stored only as its SHA-256 hash, listed without the secret, and revocable', async () => {
      const me = await loginAs(app(), 'staff');
      const created = await me.post('/profile/tokens', { name: 'Nightly sync' }).expect(201);
      expect(created.headers['cache-control']).to.equal('no-store');
      const token = /value="(acrm_[A-Za-z0-9_-]{43})"/.exec(created.text)?.[1];
      expect(token, 'token shown in the page').to.be.a('string');
      const stored = await ApiTokenModel.findOne({ user: me.user._id }).lean();
      expect(stored?.tokenHash).to.equal(hashToken(token!));
      expect(JSON.stringify(stored)).not.to.contain(token!);
      expect(await AuditEntryModel.countDocuments({ action: 'api_token.create' })).to.equal(1);

      const list = await me.agent.get('/profile/tokens').expect(200);
      expect(list.text).to.contain('Nightly sync').and.not.contain(token!);

      await request(app()).get('/api/v1/partners').set('Authorization', `Bearer ${token}`).expect(200);
      const after = await me.agent.get('/profile/tokens').expect(200);
      expect(after.text).not.to.contain('>Never<');

      await me.post(`/profile/tokens/${hex(stored!._id)}/revoke`).expect(302);
      await request(app()).get('/api/v1/partners').set('Authorization', `Bearer ${token}`).expect(401);
      expect(await AuditEntryModel.countDocuments({ action: 'api_token.revoke' })).to.equal(1);
    });

    it('when a user tries to revoke another user’s token, then it is not found and keeps working', async () => {
      const other = await apiAs(app(), 'manager');
      const me = await loginAs(app(), 'manager');
      const row = await ApiTokenModel.findOne({ user: other.user._id }).lean();
      await me.post(`/profile/tokens/${hex(row!._id)}/revoke`).expect(404);
      await other.get('/partners').expect(200);
    });

    it('when the name is missing, then the form shows a field error (422) and no token is made', async () => {
      const me = await loginAs(app(), 'coordinator');
      const res = await me.post('/profile/tokens', { name: '  ' }).expect(422);
      expect(res.text).to.contain('This field is required.');
      expect(await ApiTokenModel.countDocuments({})).to.equal(0);
      const page = await me.agent.get('/profile/tokens').expect(200);
      expect(csrfFrom(page.text)).to.be.a('string');
    });
  });

  describe('permissions and row scopes (as on the HTML side)', () => {
    it('when roles call resources, then the permission table decides: staff read but never write, officers do not read plaques or interactions', async () => {
      const staff = await apiAs(app(), 'staff');
      const officer = await apiAs(app(), 'complaint_officer');
      await staff.get('/partners').expect(200);
      await staff.get('/plaques').expect(200);
      await staff.post('/partners', { name: 'X', type: 'airline', country: 'TH' }).expect(403);
      await staff.post('/events', { name: 'X', startsAt: '2026-01-01' }).expect(403);
      await staff.get('/interactions').expect(403);
      await officer.get('/plaques').expect(403);
      await officer.get('/interactions').expect(403);
      await officer.get('/contacts').expect(200);
      expect(await PartnerModel.countDocuments({})).to.equal(0);
    });

    it('when a coordinator updates partners or writes contacts, then only partners they own are allowed', async () => {
      const coordinator = await apiAs(app(), 'coordinator');
      const mine = await createPartner({ name: 'Mine Travel', owner: coordinator.user._id });
      const theirs = await createPartner({ name: 'Their Travel' });
      const body = { name: 'Renamed', type: 'travel_agency', country: 'TH' };
      await coordinator.put(`/partners/${hex(theirs._id)}`, body).expect(403);
      const ok = await coordinator.put(`/partners/${hex(mine._id)}`, body).expect(200);
      expect(ok.body.data.name).to.equal('Renamed');
      await coordinator.post('/contacts', { partner: hex(theirs._id), name: 'Somsak' }).expect(403);
      const contact = await coordinator
        .post('/contacts', { partner: hex(mine._id), name: 'Somsak', languages: ['th'] })
        .expect(201);
      expect(contact.body.data).to.include({ name: 'Somsak', partner: hex(mine._id), primary: true });
      expect(await ContactModel.countDocuments({ partner: theirs._id })).to.equal(0);
      expect((await PartnerModel.findById(theirs._id).lean())?.name).to.equal('Their Travel');
    });

    it('when a coordinator revokes plaques, then only those they awarded', async () => {
      const coordinator = await apiAs(app(), 'coordinator');
      const mine = await createPlaque({ awardedBy: coordinator.user._id });
      const other = await createPlaque();
      await coordinator.post(`/plaques/${hex(other._id)}/revoke`, { reason: 'no' }).expect(403);
      const res = await coordinator
        .post(`/plaques/${hex(mine._id)}/revoke`, { reason: 'Recorded twice' })
        .expect(200);
      expect(res.body.data).to.include({ status: 'revoked', revokeReason: 'Recorded twice' });
    });
  });

  describe('bad input', () => {
    it('when JSON bodies carry operator objects, then they are rejected with field details and nothing matches or is written', async () => {
      const admin = await apiAs(app(), 'admin');
      await createPartner({ name: 'Existing', type: 'university' });
      const target = await createPlaque();
      const res = await admin
        .post('/partners', { name: { $ne: null }, type: 'airline', country: 'TH' })
        .expect(422);
      expect(res.body.error.code).to.equal('validation_failed');
      expect(res.body.error.details).to.have.property('name');
      const plaque = await admin
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: { $ne: null },
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
        })
        .expect(422);
      expect(plaque.body.error.details).to.have.property('partner');
      const revoke = await admin
        .post(`/plaques/${hex(target._id)}/revoke`, { reason: { $gt: '' } })
        .expect(422);
      expect(revoke.body.error.details).to.have.property('reason');
      await admin.get('/partners?type[$ne]=airline').expect(400);
      await admin.get('/partners?owner=%7B%22%24ne%22%3Anull%7D').expect(400);
      expect(await PartnerModel.countDocuments({})).to.equal(2);
      expect(await PlaqueModel.countDocuments({})).to.equal(1);
      expect((await PlaqueModel.findById(target._id).lean())?.status).to.equal('active');
    });

    it('when a body is not JSON or has unknown fields, then it is a 400/422 JSON error', async () => {
      const admin = await apiAs(app(), 'admin');
      const broken = await request(app())
        .post('/api/v1/partners')
        .set('Authorization', `Bearer ${admin.token}`)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expect(broken.status).to.equal(400);
      expect(broken.body.error.code).to.equal('bad_request');
      const unknown = await admin
        .post('/partners', { name: 'A', type: 'airline', country: 'TH', isAdmin: true })
        .expect(422);
      expect(unknown.body.error.details).to.have.property('isAdmin');
    });

    it('when a plaque is awarded to an ineligible partner through the API, then the details say why, translated', async () => {
      const manager = await apiAs(app(), 'manager');
      const airline = await createPartner({ type: 'airline' });
      const res = await manager
        .post('/plaques', {
          kind: 'regional_marketing',
          partner: hex(airline._id),
          awardedAt: '2025-11-17',
          validUntil: '2025-01-01',
        })
        .expect(422);
      expect(res.body.error.details.partner).to.contain('domestic channel distributors only');
      expect(res.body.error.details.validUntil).to.equal('Valid until must be after the award date.');
    });

    it('when a likely duplicate partner is created, then it is a 409 with the matches until confirmDuplicate=1', async () => {
      const manager = await apiAs(app(), 'manager');
      await createPartner({ name: 'Saigontourist', country: 'VN' });
      const res = await manager
        .post('/partners', { name: 'SAIGONTOURIST', type: 'travel_agency', country: 'VN' })
        .expect(409);
      expect(res.body.error.code).to.equal('conflict');
      expect(res.body.error.details.duplicates).to.have.length(1);
      await manager
        .post('/partners', {
          name: 'SAIGONTOURIST',
          type: 'travel_agency',
          country: 'VN',
          confirmDuplicate: '1',
        })
        .expect(201);
    });
  });

  describe('resources', () => {
    it('when partners are listed past one page, then `next` links through every row with the same filters', async function () {
      this.timeout(60_000);
      const staff = await apiAs(app(), 'staff');
      for (let i = 0; i < 55; i += 1)
        await createPartner({ name: `Agency ${String(i).padStart(2, '0')}`, country: 'TH' });
      await createPartner({ name: 'Elsewhere', country: 'VN' });
      const first = await staff.get('/partners?country=TH').expect(200);
      expect(first.body.data).to.have.length(50);
      expect(first.body.total).to.equal(55);
      expect(first.body.next).to.match(/^\/api\/v1\/partners\?.*country=TH.*after=/);
      const second = await request(app())
        .get(first.body.next)
        .set('Authorization', `Bearer ${staff.token}`)
        .expect(200);
      expect(second.body.data).to.have.length(5);
      expect(second.body.next).to.equal(null);
      const names = [...first.body.data, ...second.body.data].map((p: { name: string }) => p.name);
      expect(new Set(names).size).to.equal(55);
      expect(names).not.to.include('Elsewhere');
      await staff.get('/partners?after=garbage').expect(400);
    });

    it('when plaques are awarded, listed and shown through the API, then serials and filters work as on the pages', async () => {
      const coordinator = await apiAs(app(), 'coordinator');
      const uni = await createPartner({ type: 'university', country: 'CN' });
      const made = await coordinator
        .post('/plaques', {
          kind: 'student_practice_base',
          partner: hex(uni._id),
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
          notes: 'n',
        })
        .expect(201);
      expect(made.body.data).to.include({
        serial: 'CQSEA-SPB-2025-001',
        status: 'active',
        awardedAt: '2025-11-17',
        validUntil: '2028-11-16',
      });
      const list = await coordinator.get('/plaques?kind=student_practice_base&country=CN').expect(200);
      expect(list.body.data.map((p: { serial: string }) => p.serial)).to.deep.equal(['CQSEA-SPB-2025-001']);
      expect(list.body.next).to.equal(null);
      const shown = await coordinator.get(`/plaques/${made.body.data.id}`).expect(200);
      expect(shown.body.data.partner).to.equal(hex(uni._id));
    });

    it('when events, contacts and interactions are written through the API, then they are stored, audited and readable', async () => {
      const manager = await apiAs(app(), 'manager');
      await UserModel.updateOne({ _id: manager.user._id }, { $set: { timeZone: 'Asia/Bangkok' } });
      const partner = await createPartner({ name: 'Thai Smile Tours' });
      const event = await manager
        .post('/events', { name: 'Bangkok Roadshow', startsAt: '2026-03-02', endsAt: '2026-03-01' })
        .expect(422);
      expect(event.body.error.details.endsAt).to.equal('The last day cannot be before the first day.');
      const ev = await manager
        .post('/events', { name: 'Bangkok Roadshow', startsAt: '2026-03-02', country: 'th' })
        .expect(201);
      expect(ev.body.data).to.include({ name: 'Bangkok Roadshow', startsAt: '2026-03-02', country: 'TH' });
      const updated = await manager
        .put(`/events/${ev.body.data.id}`, { name: 'Bangkok Roadshow 2026', startsAt: '2026-03-02' })
        .expect(200);
      expect(updated.body.data.name).to.equal('Bangkok Roadshow 2026');
      const events = await manager.get('/events').expect(200);
      expect(events.body.data.map((e: { id: string }) => e.id)).to.include(ev.body.data.id);

      const contact = await manager
        .post('/contacts', { partner: hex(partner._id), name: 'Ploy', email: 'PLOY@example.test' })
        .expect(201);
      expect(contact.body.data.email).to.equal('ploy@example.test');
      const interaction = await manager
        .post('/interactions', {
          partner: hex(partner._id),
          kind: 'meeting',
          occurredAt: '2026-03-02T10:00',
          summary: 'Met at the roadshow',
          contacts: [contact.body.data.id],
          event: ev.body.data.id,
        })
        .expect(201);
      expect(interaction.body.data.occurredAt).to.equal('2026-03-02T03:00:00.000Z');
      const listed = await manager.get(`/interactions?partner=${hex(partner._id)}`).expect(200);
      expect(listed.body.data).to.have.length(1);
      expect(await InteractionModel.countDocuments({ partner: partner._id })).to.equal(1);
      expect(await AuditEntryModel.countDocuments({ action: 'interaction.create' })).to.equal(1);
      const contacts = await manager.get(`/contacts?partner=${hex(partner._id)}`).expect(200);
      expect(contacts.body.data.map((c: { name: string }) => c.name)).to.deep.equal(['Ploy']);
    });
  });

  describe('rate limit', () => {
    it('when a token makes more requests in a minute than the limit, then it gets 429 with Retry-After; other tokens are unaffected', async () => {
      RATE_LIMIT.perMinute = 3;
      const a = await apiAs(app(), 'staff');
      const b = await apiAs(app(), 'staff');
      for (let i = 0; i < 3; i += 1) {
        const ok = await a.get('/partners').expect(200);
        expect(ok.headers['x-ratelimit-remaining']).to.equal(String(2 - i));
      }
      const limited = await a.get('/partners').expect(429);
      expect(limited.body.error.code).to.equal('too_many_requests');
      expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
      await b.get('/partners').expect(200);
      await mongoose.connection.db!.collection('apiratewindows').deleteMany({});
      await a.get('/partners').expect(200);
    });
  });
});

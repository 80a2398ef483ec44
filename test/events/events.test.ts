import { expect } from 'chai';
import type { Types } from 'mongoose';
import { mongoose } from '../../src/lib/db/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { EventModel } from '../../src/modules/events/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds, nextPageHref } from '../support/pages.js';
import { createContact } from '../factories/contact.js';
import { createEvent, day } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';

const hex = (id: Types.ObjectId) => id.toHexString();
const pageUrl = (path: string, href: string) => (href.startsWith('/') ? href : `${path}${href}`);

const NEW_EVENT = {
  name: 'Global Partners Conference',
  nameLocal: '重庆文旅集团全球合作伙伴大会',
  startsAt: '2025-11-17',
  endsAt: '2025-11-18',
  city: 'Chongqing',
  country: 'CN',
  description: 'Alliance launch.\r\nTourist Exchange Doubling Plan signed.',
};

/** A year that is certainly in the future or the past of "today" when the tests run. */
const thisYear = new Date().getUTCFullYear();

describe('events', () => {
  const { app } = useTestApp();
  let coordinator: LoggedIn;
  let manager: LoggedIn;
  let staff: LoggedIn;
  let officer: LoggedIn;

  before(async () => {
    await clearDatabase();
    coordinator = await loginAs(app(), 'coordinator');
    manager = await loginAs(app(), 'manager');
    staff = await loginAs(app(), 'staff');
    officer = await loginAs(app(), 'complaint_officer');
  });

  beforeEach(async () => {
    const db = mongoose.connection.db!;
    await Promise.all(
      ['events', 'partners', 'contacts', 'auditentries'].map((c) => db.collection(c).deleteMany({})),
    );
  });

  describe('listing /events', () => {
    it('when events exist, then staff see live ones newest first with upcoming ones marked; archived ones are left out', async () => {
      const past = await createEvent({ name: 'Old Meeting', startsAt: `${thisYear - 2}-03-01` });
      const future = await createEvent({ name: 'Next Summit', startsAt: `${thisYear + 1}-05-10` });
      const middle = await createEvent({ name: 'Last Year Fair', startsAt: `${thisYear - 1}-06-01` });
      await createEvent({ name: 'Archived Expo', startsAt: `${thisYear - 1}-01-01`, archivedAt: new Date() });
      const res = await staff.agent.get('/events').expect(200);
      expect(linkedIds(res.text, '/events')).to.deep.equal([future, middle, past].map((e) => hex(e._id)));
      expect(res.text).not.to.contain('Archived Expo');
      expect(res.text.match(/>Upcoming<\/span>/g)).to.have.length(1);
    });

    it('when filtered by when, year, country, partner or searched, then only matching events are listed (upcoming soonest first)', async () => {
      const partner = await createPartner();
      const soon = await createEvent({
        name: 'Soon Fair',
        startsAt: `${thisYear + 1}-01-10`,
        country: 'TH',
        city: 'Bangkok',
      });
      const later = await createEvent({
        name: 'Later Expo',
        startsAt: `${thisYear + 2}-01-10`,
        country: 'CN',
        partners: [partner._id],
      });
      const past = await createEvent({
        name: 'Launch 启动会',
        startsAt: `${thisYear - 1}-11-17`,
        country: 'CN',
        city: 'Chongqing',
      });
      const ids = async (query: string) =>
        linkedIds((await coordinator.agent.get(`/events${query}`).expect(200)).text, '/events');
      expect(await ids('?when=upcoming')).to.deep.equal([hex(soon._id), hex(later._id)]);
      expect(await ids('?when=past')).to.deep.equal([hex(past._id)]);
      expect(await ids(`?year=${thisYear - 1}`)).to.deep.equal([hex(past._id)]);
      expect(await ids('?country=cn')).to.deep.equal([hex(later._id), hex(past._id)]);
      expect(await ids(`?partner=${hex(partner._id)}`)).to.deep.equal([hex(later._id)]);
      expect(await ids('?q=bangkok')).to.deep.equal([hex(soon._id)]);
      expect(await ids(`?q=${encodeURIComponent('启动')}`)).to.deep.equal([hex(past._id)]);
      expect(await ids('?q=expo&country=TH')).to.deep.equal([]);
    });

    it('when an event is still running, then it counts as upcoming until its last day has passed', async () => {
      const running = await createEvent({
        startsAt: `${thisYear - 1}-01-01`,
        endsAt: `${thisYear + 1}-01-01`,
      });
      const ids = async (query: string) =>
        linkedIds((await staff.agent.get(`/events${query}`).expect(200)).text, '/events');
      expect(await ids('?when=upcoming')).to.deep.equal([hex(running._id)]);
      expect(await ids('?when=past')).to.deep.equal([]);
    });

    it('when there are 55 events on the same day, then page 1 shows 50 and the next page the other 5', async () => {
      for (let i = 0; i < 55; i += 1) await createEvent({ startsAt: '2024-05-01' });
      const first = await staff.agent.get('/events?year=2024').expect(200);
      const page1 = linkedIds(first.text, '/events');
      expect(page1).to.have.length(50);
      const href = nextPageHref(first.text)!;
      expect(href).to.contain('year=2024');
      const page2 = linkedIds((await staff.agent.get(pageUrl('/events', href)).expect(200)).text, '/events');
      expect(page2).to.have.length(5);
      expect(page1.filter((id) => page2.includes(id))).to.deep.equal([]);
    });

    it('when a filter value is not allowed or the cursor is tampered with, then 400', async () => {
      for (const q of [
        '?country=XX',
        '?year=abc',
        '?year=1800',
        '?when=tomorrow',
        '?after=junk',
        '?partner=1',
        '?q[$gt]=a',
      ])
        await staff.agent.get(`/events${q}`).expect(400);
    });

    it('when a complaint officer opens events, then 403 (events are not theirs to read)', async () => {
      await officer.agent.get('/events').expect(403);
      const event = await createEvent();
      await officer.agent.get(`/events/${hex(event._id)}`).expect(403);
    });

    it('when there are no events, then the list says so and offers "New event" to writers only', async () => {
      const res = await coordinator.agent.get('/events').expect(200);
      expect(res.text).to.contain('No events yet.').and.to.contain('href="/events/new"');
      expect((await staff.agent.get('/events').expect(200)).text).not.to.contain('href="/events/new"');
    });
  });

  describe('creating and editing', () => {
    it('when a coordinator creates an event, then it is stored with calendar days, search keys and an audit entry, and the answer goes to its page', async () => {
      const form = await coordinator.agent.get('/events/new').expect(200);
      for (const field of ['name', 'nameLocal', 'startsAt', 'endsAt', 'city', 'country', 'description'])
        expect(form.text).to.contain(`for="f-${field}"`);
      expect(form.text).to.contain('<option value="TH">Thailand</option>');

      const res = await coordinator.post('/events', NEW_EVENT).expect(302);
      const stored = await EventModel.findOne({ name: NEW_EVENT.name }).lean();
      expect(res.headers.location).to.equal(`/events/${hex(stored!._id)}`);
      expect(stored!.startsAt.toISOString()).to.equal('2025-11-17T00:00:00.000Z');
      expect(stored!.endsAt!.toISOString()).to.equal('2025-11-18T00:00:00.000Z');
      expect(stored!.lastDay!.toISOString()).to.equal('2025-11-18T00:00:00.000Z');
      expect(stored!.description).to.equal('Alliance launch.\nTourist Exchange Doubling Plan signed.');
      expect(stored!.searchTokens).to.include.members(['global', 'chongqing', '重庆']);
      expect(stored!.createdBy!.toHexString()).to.equal(hex(coordinator.user._id));

      const entry = await AuditEntryModel.findOne({
        action: 'event.create',
        entityId: hex(stored!._id),
      }).lean();
      expect(entry?.entity).to.equal('event');
      const after = Object.fromEntries(entry!.changes.map((c) => [c.field, c.after]));
      expect(after).to.deep.include({ name: NEW_EVENT.name, country: 'CN', city: 'Chongqing' });
    });

    it('when staff or a complaint officer try to create, then 403 and nothing is stored', async () => {
      for (const who of [staff, officer]) {
        await who.agent.get('/events/new').expect(403);
        await who.post('/events', NEW_EVENT).expect(403);
      }
      expect(await EventModel.countDocuments()).to.equal(0);
    });

    it('when fields are invalid, then the form comes back with 422, clear errors and the values kept, and nothing is stored', async () => {
      const res = await coordinator
        .post('/events', {
          name: 'x'.repeat(201),
          nameLocal: 'Kept 保留',
          startsAt: '2025-02-30',
          country: 'XX',
          description: 'y'.repeat(5001),
        })
        .expect(422);
      expect(res.text).to.contain('Must be at most 200 characters.');
      expect(res.text).to.contain('Enter a valid date.');
      expect(res.text).to.contain('The value is not valid.');
      expect(res.text).to.contain('Must be at most 5000 characters.');
      expect(res.text).to.contain('value="Kept 保留"');

      const ends = await coordinator.post('/events', { ...NEW_EVENT, endsAt: '2025-11-16' }).expect(422);
      expect(ends.text).to.contain('The last day cannot be before the first day.');
      expect(ends.text).to.contain('value="2025-11-16"');

      await coordinator.post('/events', { ...NEW_EVENT, partners: 'x' }).expect(422);
      await coordinator.post('/events', { ...NEW_EVENT, 'startsAt[$gt]': '' }).expect(422);
      await coordinator.post('/events', { ...NEW_EVENT, startsAt: 'tomorrow' }).expect(422);
      expect(await EventModel.countDocuments()).to.equal(0);
    });

    it('when a description has 5000 characters with Windows line breaks, then it fits (one break is one character)', async () => {
      const lines = Array.from({ length: 1000 }, () => 'abcd').join('\r\n');
      expect(lines.replace(/\r\n/g, '\n').length).to.be.at.most(5000);
      expect(lines.length).to.be.greaterThan(5000);
      await coordinator.post('/events', { ...NEW_EVENT, description: lines }).expect(302);
    });

    it('when an event is edited, then changes are stored and audited with before/after; the form shows the stored days', async () => {
      const event = await createEvent({ name: 'Before', startsAt: '2025-11-17', country: 'CN' });
      const form = await manager.agent.get(`/events/${hex(event._id)}/edit`).expect(200);
      expect(form.text).to.contain('value="2025-11-17"');
      expect(form.text).to.match(/<option value="CN" selected>/);

      await manager
        .post(`/events/${hex(event._id)}`, { name: 'After', startsAt: '2025-11-18', country: 'TH' })
        .expect(302)
        .expect('Location', `/events/${hex(event._id)}`);
      const stored = await EventModel.findById(event._id).lean();
      expect(stored).to.include({ name: 'After', country: 'TH', city: null });
      const entry = await AuditEntryModel.findOne({
        action: 'event.update',
        entityId: hex(event._id),
      }).lean();
      expect(entry!.changes.map((c) => c.field)).to.deep.equal(['name', 'startsAt', 'city', 'country']);
      expect(entry!.changes[0]).to.deep.equal({ field: 'name', before: 'Before', after: 'After' });
    });

    it('when an edit is invalid, then the edit form returns 422 with the error and nothing changes', async () => {
      const event = await createEvent({ name: 'Stays' });
      const res = await coordinator
        .post(`/events/${hex(event._id)}`, { name: 'Typed', startsAt: '2025-11-17', endsAt: '2025-11-01' })
        .expect(422);
      expect(res.text).to.contain('The last day cannot be before the first day.');
      expect(res.text).to.contain(`action="/events/${hex(event._id)}"`);
      expect((await EventModel.findById(event._id).lean())!.name).to.equal('Stays');
    });

    it('when staff edit, or the event is archived or missing, then 403 / 404 and nothing changes', async () => {
      const event = await createEvent({ name: 'Stays' });
      await staff.agent.get(`/events/${hex(event._id)}/edit`).expect(403);
      await staff.post(`/events/${hex(event._id)}`, NEW_EVENT).expect(403);
      const archived = await createEvent({ archivedAt: new Date() });
      await coordinator.agent.get(`/events/${hex(archived._id)}/edit`).expect(404);
      await coordinator.post(`/events/${hex(archived._id)}`, NEW_EVENT).expect(404);
      await coordinator.post('/events/not-an-id', NEW_EVENT).expect(404);
      expect((await EventModel.findById(event._id).lean())!.name).to.equal('Stays');
    });
  });

  describe('archiving', () => {
    it('when a writer archives an event, then it leaves the list, its page is 404, and the archive is audited', async () => {
      const event = await createEvent({ name: 'Short Lived' });
      await staff.post(`/events/${hex(event._id)}/archive`).expect(403);
      await coordinator
        .post(`/events/${hex(event._id)}/archive`)
        .expect(302)
        .expect('Location', '/events');
      expect((await EventModel.findById(event._id).lean())!.archivedAt).to.be.instanceOf(Date);
      expect(linkedIds((await staff.agent.get('/events').expect(200)).text, '/events')).to.deep.equal([]);
      await staff.agent.get(`/events/${hex(event._id)}`).expect(404);
      await coordinator.post(`/events/${hex(event._id)}/archive`).expect(404);
      expect(
        await AuditEntryModel.countDocuments({ action: 'event.archive', entityId: hex(event._id) }),
      ).to.equal(1);
    });
  });

  describe('partners met', () => {
    it('when a writer searches partners on the event page, then matches not yet attached are offered with checkboxes', async () => {
      const attached = await createPartner({ name: 'Siam Air Attached' });
      const offered = await createPartner({ name: 'Siam Journeys', type: 'travel_agency', country: 'TH' });
      await createPartner({ name: 'Siam Archived', archivedAt: new Date() });
      const event = await createEvent({ partners: [attached._id] });
      const res = await coordinator.agent.get(`/events/${hex(event._id)}?pq=siam`).expect(200);
      expect(res.text).to.contain(`name="partnerIds" value="${hex(offered._id)}"`);
      expect(res.text).not.to.contain(`name="partnerIds" value="${hex(attached._id)}"`);
      expect(res.text).not.to.contain('Siam Archived');
      const none = await coordinator.agent.get(`/events/${hex(event._id)}?pq=zzzz`).expect(200);
      expect(none.text).to.contain('No partners to add match “zzzz”.');
      // Readers get no picker.
      const reader = await staff.agent.get(`/events/${hex(event._id)}?pq=siam`).expect(200);
      expect(reader.text).not.to.contain('name="partnerIds"');
    });

    it('when partners are attached (one or several, some already there), then each is listed once and the addition is audited', async () => {
      const a = await createPartner();
      const b = await createPartner();
      const event = await createEvent({ partners: [a._id] });
      await coordinator
        .post(`/events/${hex(event._id)}/partners`, { partnerIds: hex(b._id) })
        .expect(302)
        .expect('Location', `/events/${hex(event._id)}#partners-met`);
      await coordinator
        .post(`/events/${hex(event._id)}/partners`, { partnerIds: [hex(a._id), hex(b._id)] })
        .expect(302);
      const stored = await EventModel.findById(event._id).lean();
      expect(stored!.partners.map(hex)).to.deep.equal([hex(a._id), hex(b._id)]);
      const entries = await AuditEntryModel.find({
        action: 'event.partners.add',
        entityId: hex(event._id),
      }).lean();
      expect(entries).to.have.length(1);
      expect(entries[0]!.changes).to.deep.equal([{ field: 'partners', before: null, after: [hex(b._id)] }]);
    });

    it('when a chosen partner is archived, missing or not an id, or none is chosen, then the page returns with an error and nothing is attached', async () => {
      const live = await createPartner();
      const archived = await createPartner({ archivedAt: new Date() });
      const event = await createEvent();
      const url = `/events/${hex(event._id)}/partners`;
      const res = await coordinator
        .post(url, { partnerIds: [hex(live._id), hex(archived._id)], pq: 'x' })
        .expect(422);
      expect(res.text).to.contain('A chosen partner does not exist or is archived.');
      expect(res.text).to.contain(event.name);
      await coordinator.post(url, { partnerIds: '0123456789abcdef01234567' }).expect(422);
      await coordinator.post(url, { partnerIds: 'nope' }).expect(422);
      await coordinator.post(url, { 'partnerIds[$ne]': 'x' }).expect(422);
      const empty = await coordinator.post(url, {}).expect(422);
      expect(empty.text).to.contain('This field is required.');
      expect((await EventModel.findById(event._id).lean())!.partners).to.deep.equal([]);
    });

    it('when a partner is removed, then its contacts met there go with it and the removal is audited; removing one not attached is 404', async () => {
      const a = await createPartner();
      const b = await createPartner();
      const ca = await createContact({ partner: a });
      const cb = await createContact({ partner: b });
      const event = await createEvent({ partners: [a._id, b._id], contacts: [ca._id, cb._id] });
      await staff.post(`/events/${hex(event._id)}/partners/${hex(a._id)}/remove`).expect(403);
      await coordinator.post(`/events/${hex(event._id)}/partners/${hex(a._id)}/remove`).expect(302);
      const stored = await EventModel.findById(event._id).lean();
      expect(stored!.partners.map(hex)).to.deep.equal([hex(b._id)]);
      expect(stored!.contacts.map(hex)).to.deep.equal([hex(cb._id)]);
      const entry = await AuditEntryModel.findOne({ action: 'event.partners.remove' }).lean();
      expect(entry!.changes).to.deep.equal([
        { field: 'partners', before: [hex(a._id)], after: null },
        { field: 'contacts', before: [hex(ca._id)], after: null },
      ]);
      await coordinator.post(`/events/${hex(event._id)}/partners/${hex(a._id)}/remove`).expect(404);
      await coordinator.post(`/events/${hex(event._id)}/partners/xyz/remove`).expect(404);
    });
  });

  describe('contacts met', () => {
    it('when contacts of attached partners are chosen, then they are attached once and audited; contacts of other partners or archived ones are refused', async () => {
      const a = await createPartner({ name: 'Attached Partner' });
      const outsider = await createPartner();
      const c1 = await createContact({ partner: a, name: 'Candidate One' });
      const c2 = await createContact({ partner: a, name: 'Candidate Two' });
      const archived = await createContact({
        partner: a,
        name: 'Archived Candidate',
        archivedAt: new Date(),
      });
      const foreign = await createContact({ partner: outsider, name: 'Foreign Person' });
      const event = await createEvent({ partners: [a._id] });

      const page = await coordinator.agent.get(`/events/${hex(event._id)}`).expect(200);
      expect(page.text).to.contain(`name="contactIds" value="${hex(c1._id)}"`);
      expect(page.text).to.contain(`name="contactIds" value="${hex(c2._id)}"`);
      expect(page.text).not.to.contain('Archived Candidate');
      expect(page.text).not.to.contain('Foreign Person');

      const url = `/events/${hex(event._id)}/contacts`;
      await coordinator.post(url, { contactIds: [hex(c1._id), hex(foreign._id)] }).expect(422);
      const refused = await coordinator.post(url, { contactIds: hex(archived._id) }).expect(422);
      expect(refused.text).to.contain('Choose contacts of the partners met at this event.');
      expect((await EventModel.findById(event._id).lean())!.contacts).to.deep.equal([]);

      await coordinator
        .post(url, { contactIds: hex(c1._id) })
        .expect(302)
        .expect('Location', `/events/${hex(event._id)}#contacts-met`);
      await coordinator.post(url, { contactIds: [hex(c1._id), hex(c2._id)] }).expect(302);
      expect((await EventModel.findById(event._id).lean())!.contacts.map(hex)).to.deep.equal([
        hex(c1._id),
        hex(c2._id),
      ]);
      expect(await AuditEntryModel.countDocuments({ action: 'event.contacts.add' })).to.equal(2);

      const after = await coordinator.agent.get(`/events/${hex(event._id)}`).expect(200);
      expect(after.text).not.to.contain(`name="contactIds" value="${hex(c1._id)}"`);
      expect(after.text).to.contain(`href="/contacts/${hex(c1._id)}"`);
      await staff.post(url, { contactIds: hex(c1._id) }).expect(403);
    });

    it('when a contact is removed, then it leaves the event and the removal is audited; one not attached is 404', async () => {
      const a = await createPartner();
      const c = await createContact({ partner: a });
      const event = await createEvent({ partners: [a._id], contacts: [c._id] });
      await staff.post(`/events/${hex(event._id)}/contacts/${hex(c._id)}/remove`).expect(403);
      await manager.post(`/events/${hex(event._id)}/contacts/${hex(c._id)}/remove`).expect(302);
      expect((await EventModel.findById(event._id).lean())!.contacts).to.deep.equal([]);
      expect(
        await AuditEntryModel.countDocuments({ action: 'event.contacts.remove', entityId: hex(event._id) }),
      ).to.equal(1);
      await manager.post(`/events/${hex(event._id)}/contacts/${hex(c._id)}/remove`).expect(404);
    });

    it('when a partner is chosen in the contact picker, then only its contacts are offered', async () => {
      const a = await createPartner();
      const b = await createPartner();
      const ca = await createContact({ partner: a, name: 'From A' });
      const cb = await createContact({ partner: b, name: 'From B' });
      const event = await createEvent({ partners: [a._id, b._id] });
      const res = await coordinator.agent.get(`/events/${hex(event._id)}?cp=${hex(b._id)}`).expect(200);
      expect(res.text).to.contain(`value="${hex(cb._id)}"`);
      expect(res.text).not.to.contain(`value="${hex(ca._id)}"`);
      await coordinator.agent.get(`/events/${hex(event._id)}?cp=bad`).expect(400);
    });
  });

  describe('dates', () => {
    it('when an event is shown to users in different time zones, then it shows the same calendar days', async () => {
      const event = await createEvent({ startsAt: '2025-11-17', endsAt: '2025-11-19' });
      await mongoose.connection
        .db!.collection('users')
        .updateOne({ _id: staff.user._id }, { $set: { timeZone: 'America/Los_Angeles' } });
      const west = await staff.agent.get(`/events/${hex(event._id)}`).expect(200);
      const east = await coordinator.agent.get(`/events/${hex(event._id)}`).expect(200);
      // ICU puts thin spaces around the range dash.
      expect(west.text).to.match(/Nov 17\s–\s19, 2025/);
      expect(east.text).to.match(/Nov 17\s–\s19, 2025/);
      expect(day('2025-11-17').toISOString()).to.equal(event.startsAt.toISOString());
    });
  });
});

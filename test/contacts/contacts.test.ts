import { expect } from 'chai';
import type { Types } from 'mongoose';
import { mongoose } from '../../src/lib/db/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds, nextPageHref } from '../support/pages.js';
import { createContact } from '../factories/contact.js';
import { createPartner } from '../factories/partner.js';

const NEW_CONTACT = {
  name: 'Nok Chaiyaporn',
  nameLocal: 'นก ชัยพร',
  title: 'Sales Director',
  email: 'Nok.C@Example.test',
  phone: '+66 2 123 4567',
  wechat: 'nok_bkk',
  line: 'nok.line',
  whatsapp: '+66 81 234 5678',
  languages: ['th', 'en'],
};

const hex = (id: Types.ObjectId) => id.toHexString();
/** The next-page link may be a full path or just a query string. */
const pageUrl = (path: string, href: string) => (href.startsWith('/') ? href : `${path}${href}`);

async function live(partner: Types.ObjectId) {
  return ContactModel.find({ partner, archivedAt: null }).sort({ sortName: 1 }).lean();
}

async function primaryNames(partner: Types.ObjectId): Promise<string[]> {
  return (await ContactModel.find({ partner, archivedAt: null, primary: true }).lean()).map((c) => c.name);
}

describe('contacts', () => {
  const { app } = useTestApp();
  let owner: LoggedIn;
  let other: LoggedIn;
  let manager: LoggedIn;
  let admin: LoggedIn;
  let staff: LoggedIn;
  let officer: LoggedIn;

  before(async () => {
    await clearDatabase();
    owner = await loginAs(app(), 'coordinator', { name: 'Owen Owner' });
    other = await loginAs(app(), 'coordinator', { name: 'Cora Other' });
    manager = await loginAs(app(), 'manager');
    admin = await loginAs(app(), 'admin');
    staff = await loginAs(app(), 'staff');
    officer = await loginAs(app(), 'complaint_officer');
  });

  beforeEach(async () => {
    await Promise.all([
      ContactModel.deleteMany({}),
      mongoose.connection.db!.collection('partners').deleteMany({}),
      mongoose.connection.db!.collection('auditentries').deleteMany({}),
    ]);
  });

  describe('listing /contacts', () => {
    it('when contacts of several partners exist, then every role that reads contacts sees the live ones by name with their partner, archived ones left out', async () => {
      const thai = await createPartner({ name: 'Siam Journeys', country: 'TH' });
      const viet = await createPartner({ name: 'Hanoi Heritage Tours', country: 'VN' });
      const b = await createContact({ partner: thai, name: 'Bee Boonma', primary: true });
      const a = await createContact({ partner: viet, name: 'An Nguyen' });
      await createContact({ partner: thai, name: 'Gone Person', archivedAt: new Date() });

      for (const who of [staff, officer, owner]) {
        const res = await who.agent.get('/contacts').expect(200);
        expect(linkedIds(res.text, '/contacts')).to.deep.equal([hex(a._id), hex(b._id)]);
        expect(res.text).to.contain('Siam Journeys').and.to.contain('Hanoi Heritage Tours');
        expect(res.text).not.to.contain('Gone Person');
      }
    });

    it('when the list is searched or filtered by partner country, language or partner, then only matching contacts are listed', async () => {
      const thai = await createPartner({ country: 'TH' });
      const cn = await createPartner({ country: 'CN' });
      const nok = await createContact({
        partner: thai,
        name: 'Nok Chaiyaporn',
        email: 'nok@siam.test',
        languages: ['th', 'en'],
      });
      const li = await createContact({
        partner: cn,
        name: 'Li Na',
        nameLocal: '李娜',
        email: 'lina@cq.test',
        languages: ['zh'],
      });
      const tom = await createContact({
        partner: cn,
        name: 'Tom Chen',
        title: 'Sales Director',
        languages: ['en', 'zh'],
      });

      const ids = async (query: string) =>
        linkedIds((await staff.agent.get(`/contacts${query}`).expect(200)).text, '/contacts').sort();
      expect(await ids('?q=nok')).to.deep.equal([hex(nok._id)]);
      expect(await ids(`?q=${encodeURIComponent('李娜')}`)).to.deep.equal([hex(li._id)]);
      expect(await ids('?q=lina%40cq.test')).to.deep.equal([hex(li._id)]);
      expect(await ids('?q=siam.test')).to.deep.equal([hex(nok._id)]);
      expect(await ids('?country=CN')).to.deep.equal([hex(li._id), hex(tom._id)].sort());
      expect(await ids('?country=cn&language=en')).to.deep.equal([hex(tom._id)]);
      expect(await ids('?language=th')).to.deep.equal([hex(nok._id)]);
      expect(await ids(`?partner=${hex(cn._id)}`)).to.deep.equal([hex(li._id), hex(tom._id)].sort());
      expect(await ids('?q=nobody')).to.deep.equal([]);
      expect(await ids(`?q=${encodeURIComponent('.*')}`)).to.deep.equal([]);
    });

    it('when a filter is not one of the allowed values or the cursor is tampered with, then the answer is 400', async () => {
      await staff.agent.get('/contacts?language=xx').expect(400);
      await staff.agent.get('/contacts?country=ZZ').expect(400);
      await staff.agent.get('/contacts?partner=not-an-id').expect(400);
      await staff.agent.get('/contacts?after=garbage').expect(400);
      await staff.agent.get('/contacts?q[$ne]=x').expect(400);
    });

    it('when there are 60 contacts with the same name, then page 1 shows 50 and the next page the other 10, with no overlap', async () => {
      const partner = await createPartner();
      for (let i = 0; i < 60; i += 1) await createContact({ partner, name: 'Pat Example' });
      const first = await staff.agent.get(`/contacts?partner=${hex(partner._id)}`).expect(200);
      const page1 = linkedIds(first.text, '/contacts');
      expect(page1).to.have.length(50);
      const href = nextPageHref(first.text);
      expect(href).to.contain(`partner=${hex(partner._id)}`);
      const second = await staff.agent.get(pageUrl('/contacts', href!)).expect(200);
      const page2 = linkedIds(second.text, '/contacts');
      expect(page2).to.have.length(10);
      expect(nextPageHref(second.text)).to.equal(undefined);
      expect(page1.filter((id) => page2.includes(id))).to.deep.equal([]);
    });

    it('when a page lists contacts of 30 partners, then partner names come from a single query (no N+1)', async () => {
      for (let i = 0; i < 30; i += 1) {
        const partner = await createPartner();
        await createContact({ partner });
      }
      const calls: string[] = [];
      mongoose.set('debug', (collection: string, method: string) => {
        if (collection === 'partners') calls.push(method);
      });
      try {
        await staff.agent.get('/contacts').expect(200);
      } finally {
        mongoose.set('debug', false);
      }
      expect(calls).to.deep.equal(['find']);
    });

    it('when there are no contacts at all, then the list says how contacts are added', async () => {
      const res = await staff.agent.get('/contacts').expect(200);
      expect(res.text).to.contain('No contacts yet. Contacts are added from a partner’s page.');
    });
  });

  describe('creating', () => {
    it('when the owning coordinator adds the first contact of a partner, then it is stored normalised, becomes primary, the audit has the fields, and the answer redirects to the partner page', async () => {
      const partner = await createPartner({ owner: owner.user._id, country: 'TH' });
      const form = await owner.agent.get(`/partners/${hex(partner._id)}/contacts/new`).expect(200);
      for (const field of ['name', 'nameLocal', 'title', 'email', 'phone', 'wechat', 'line', 'whatsapp'])
        expect(form.text).to.contain(`<label class="form-label" for="f-${field}">`);
      expect(form.text).to.contain('for="f-languages-th"');

      const res = await owner.post(`/partners/${hex(partner._id)}/contacts`, NEW_CONTACT).expect(302);
      expect(res.headers.location).to.equal(`/partners/${hex(partner._id)}`);
      const [stored] = await live(partner._id);
      expect(stored).to.include({
        name: 'Nok Chaiyaporn',
        email: 'nok.c@example.test',
        primary: true,
        partnerCountry: 'TH',
        sortName: 'nok chaiyaporn',
      });
      expect(stored!.languages).to.deep.equal(['th', 'en']);
      expect(stored!.searchTokens).to.include.members(['nok', 'sales', 'example']);
      expect(stored!.createdBy?.toHexString()).to.equal(hex(owner.user._id));

      const entry = await AuditEntryModel.findOne({
        action: 'contact.create',
        entityId: hex(stored!._id),
      }).lean();
      expect(entry?.entity).to.equal('contact');
      expect(entry?.actor?.toHexString()).to.equal(hex(owner.user._id));
      const after = Object.fromEntries(entry!.changes.map((c) => [c.field, c.after]));
      expect(after).to.deep.include({
        name: 'Nok Chaiyaporn',
        email: 'nok.c@example.test',
        primary: true,
        partner: hex(partner._id),
      });
    });

    it('when a second contact is added, then the first stays primary; when one is added with "primary" ticked, then it takes over', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      await owner.post(`/partners/${hex(partner._id)}/contacts`, { name: 'First One' }).expect(302);
      await owner.post(`/partners/${hex(partner._id)}/contacts`, { name: 'Second One' }).expect(302);
      expect(await primaryNames(partner._id)).to.deep.equal(['First One']);

      await owner
        .post(`/partners/${hex(partner._id)}/contacts`, { name: 'Third One', primary: '1' })
        .expect(302);
      expect(await primaryNames(partner._id)).to.deep.equal(['Third One']);
      const first = await ContactModel.findOne({ name: 'First One' }).lean();
      const cleared = await AuditEntryModel.findOne({
        action: 'contact.primary',
        entityId: hex(first!._id),
      }).lean();
      expect(cleared?.changes).to.deep.equal([{ field: 'primary', before: true, after: false }]);
    });

    it('when managers and admins add a contact to a partner they do not own, then it is stored', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      await manager.post(`/partners/${hex(partner._id)}/contacts`, { name: 'By Manager' }).expect(302);
      await admin.post(`/partners/${hex(partner._id)}/contacts`, { name: 'By Admin' }).expect(302);
      expect((await live(partner._id)).map((c) => c.name)).to.deep.equal(['By Admin', 'By Manager']);
    });

    it('when a coordinator who does not own the partner, staff or a complaint officer try, then they get 403 and nothing is stored', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      for (const who of [other, staff, officer]) {
        await who.agent.get(`/partners/${hex(partner._id)}/contacts/new`).expect(403);
        await who.post(`/partners/${hex(partner._id)}/contacts`, { name: 'Sneaky' }).expect(403);
        // An invalid form must not reveal the form either.
        await who.post(`/partners/${hex(partner._id)}/contacts`, { name: '' }).expect(403);
      }
      const unowned = await createPartner({ owner: null });
      await other.post(`/partners/${hex(unowned._id)}/contacts`, { name: 'Sneaky' }).expect(403);
      expect(await ContactModel.countDocuments()).to.equal(0);
    });

    it('when the partner is archived, missing or the id is not an id, then the answer is 404', async () => {
      const archived = await createPartner({ owner: owner.user._id, archivedAt: new Date() });
      await owner.agent.get(`/partners/${hex(archived._id)}/contacts/new`).expect(404);
      await owner.post(`/partners/${hex(archived._id)}/contacts`, { name: 'X' }).expect(404);
      await owner.post('/partners/0123456789abcdef01234567/contacts', { name: 'X' }).expect(404);
      await owner.post('/partners/not-an-id/contacts', { name: 'X' }).expect(404);
      await owner.agent.get('/partners/%24ne/contacts/new').expect(404);
      expect(await ContactModel.countDocuments()).to.equal(0);
    });

    it('when fields are invalid, then the form comes back with 422, every error at once, the values kept, and nothing is stored', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const res = await owner
        .post(`/partners/${hex(partner._id)}/contacts`, {
          name: '',
          title: 'x'.repeat(121),
          email: 'not-an-email',
          phone: 'call me maybe',
          wechat: 'has space',
          languages: ['th', 'xx'],
          nameLocal: 'Kept Local',
        })
        .expect(422);
      expect(res.text).to.contain('Please correct the highlighted fields.');
      expect(res.text).to.contain('This field is required.');
      expect(res.text).to.contain('Must be at most 120 characters.');
      expect(res.text).to.contain('Enter a valid e-mail address.');
      expect(res.text).to.contain('The value is not in the expected format.');
      expect(res.text).to.contain('Choose one of the listed values.');
      expect(res.text).to.contain('value="Kept Local"');
      expect(res.text).to.contain('value="not-an-email"');
      expect(res.text).to.match(/id="f-languages-th" checked/);

      // Keys that are not contact fields (derived keys, another partner, operator-looking names) are refused.
      await owner.post(`/partners/${hex(partner._id)}/contacts`, { name: 'A', sortName: 'zzz' }).expect(422);
      await owner
        .post(`/partners/${hex(partner._id)}/contacts`, { name: 'A', partner: hex(partner._id) })
        .expect(422);
      await owner
        .post(`/partners/${hex(partner._id)}/contacts`, { name: 'A', 'email[$ne]': 'x' })
        .expect(422);
      await owner.post(`/partners/${hex(partner._id)}/contacts`, { name: 'A', languages: '$ne' }).expect(422);
      expect(await ContactModel.countDocuments()).to.equal(0);
    });

    it('when a name holds HTML or an operator-looking string, then it is stored as text and every page shows it escaped', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      await owner
        .post(`/partners/${hex(partner._id)}/contacts`, {
          name: '<script>alert(1)</script>',
          title: '{"$gt":""}',
        })
        .expect(302);
      const [stored] = await live(partner._id);
      expect(stored).to.include({ name: '<script>alert(1)</script>', title: '{"$gt":""}' });
      const page = await staff.agent.get(`/contacts/${hex(stored!._id)}`).expect(200);
      expect(page.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).not.to.contain('<script>alert(1)</script>');
      const list = await staff.agent.get('/contacts').expect(200);
      expect(list.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(list.text).not.to.contain('<script>alert(1)</script>');
    });
  });

  describe('duplicate e-mail', () => {
    it('when another live contact has the e-mail (in any case), then the form comes back 409 linking it with a "save anyway" box; sent again with confirmDuplicate=1 it is stored', async () => {
      const elsewhere = await createPartner({ name: 'Other Agency' });
      const existing = await createContact({
        partner: elsewhere,
        name: 'Nok Original',
        email: 'nok.c@example.test',
      });
      const partner = await createPartner({ owner: owner.user._id });

      const res = await owner.post(`/partners/${hex(partner._id)}/contacts`, NEW_CONTACT).expect(409);
      expect(res.text).to.contain('Another contact already has this e-mail address.');
      expect(res.text).to.contain(`href="/contacts/${hex(existing._id)}"`);
      expect(res.text).to.contain(`href="/partners/${hex(elsewhere._id)}"`);
      expect(res.text).to.contain('Other Agency');
      expect(res.text).to.contain('name="confirmDuplicate" value="1"');
      expect(res.text).to.contain('value="Nok Chaiyaporn"');
      expect(await ContactModel.countDocuments({ partner: partner._id })).to.equal(0);

      await owner
        .post(`/partners/${hex(partner._id)}/contacts`, { ...NEW_CONTACT, confirmDuplicate: '1' })
        .expect(302);
      expect(await ContactModel.countDocuments({ email: 'nok.c@example.test' })).to.equal(2);
    });

    it('when the only contact with that e-mail is archived, then there is no warning', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      await createContact({ partner, email: 'nok.c@example.test', archivedAt: new Date() });
      await owner.post(`/partners/${hex(partner._id)}/contacts`, NEW_CONTACT).expect(302);
    });

    it('when an edit changes the e-mail to one another contact has, then 409; an edit that keeps an already shared e-mail saves', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      await createContact({ partner, name: 'Holder', email: 'taken@example.test' });
      const c = await createContact({ partner, name: 'Editee', email: 'own@example.test' });
      await owner
        .post(`/contacts/${hex(c._id)}`, { name: 'Editee', email: 'TAKEN@example.test' })
        .expect(409);
      expect((await ContactModel.findById(c._id).lean())!.email).to.equal('own@example.test');

      const shared = await createContact({ partner, name: 'Shares', email: 'taken@example.test' });
      await owner
        .post(`/contacts/${hex(shared._id)}`, { name: 'Shares Renamed', email: 'taken@example.test' })
        .expect(302);
      expect((await ContactModel.findById(shared._id).lean())!.name).to.equal('Shares Renamed');
    });
  });

  describe('the contact page', () => {
    it('when staff open a contact, then they see its details and partner but no edit buttons; the owner sees them', async () => {
      const partner = await createPartner({ name: 'Siam Journeys', owner: owner.user._id, country: 'TH' });
      const c = await createContact({
        partner,
        ...NEW_CONTACT,
        email: 'nok.c@example.test',
        languages: ['th', 'en'],
      });
      const res = await staff.agent.get(`/contacts/${hex(c._id)}`).expect(200);
      for (const text of [
        'Nok Chaiyaporn',
        'นก ชัยพร',
        'Sales Director',
        'nok.c@example.test',
        'nok_bkk',
        'nok.line',
        '+66 81 234 5678',
        'Thai, English',
        'Siam Journeys',
        'Thailand',
      ])
        expect(res.text).to.contain(text);
      expect(res.text).not.to.contain(`/contacts/${hex(c._id)}/edit`);
      expect(res.text).not.to.contain(`/contacts/${hex(c._id)}/archive`);

      const mine = await owner.agent.get(`/contacts/${hex(c._id)}`).expect(200);
      expect(mine.text).to.contain(`href="/contacts/${hex(c._id)}/edit"`);
      expect(mine.text).to.contain(`action="/contacts/${hex(c._id)}/archive"`);
    });

    it('when the contact is archived, missing or the id is malformed, then the page is 404', async () => {
      const partner = await createPartner();
      const gone = await createContact({ partner, archivedAt: new Date() });
      await staff.agent.get(`/contacts/${hex(gone._id)}`).expect(404);
      await staff.agent.get('/contacts/0123456789abcdef01234567').expect(404);
      await staff.agent.get('/contacts/123').expect(404);
    });
  });

  describe('editing', () => {
    it('when the owner edits a contact, then the change is stored with new search keys, audited with before and after, and the answer goes to the contact page', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const c = await createContact({ partner, name: 'Old Name', title: 'Clerk', languages: ['th'] });
      const form = await owner.agent.get(`/contacts/${hex(c._id)}/edit`).expect(200);
      expect(form.text).to.contain('value="Old Name"');
      expect(form.text).to.match(/id="f-languages-th" checked/);

      await owner
        .post(`/contacts/${hex(c._id)}`, { name: 'New Name', title: 'Clerk', languages: 'vi' })
        .expect(302)
        .expect('Location', `/contacts/${hex(c._id)}`);
      const stored = await ContactModel.findById(c._id).lean();
      expect(stored).to.include({ name: 'New Name', sortName: 'new name' });
      expect(stored!.languages).to.deep.equal(['vi']);
      expect(stored!.searchTokens).to.include('new').and.not.include('old');

      const entry = await AuditEntryModel.findOne({ action: 'contact.update', entityId: hex(c._id) }).lean();
      expect(entry?.changes).to.deep.equal([
        { field: 'name', before: 'Old Name', after: 'New Name' },
        { field: 'languages', before: ['th'], after: ['vi'] },
      ]);
    });

    it('when an edit is invalid, then the edit form comes back with 422 and the typed values, and nothing changes', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const c = await createContact({ partner, name: 'Keep Me' });
      const res = await owner
        .post(`/contacts/${hex(c._id)}`, { name: 'Typed Name', email: 'bad@', languages: 'klingon' })
        .expect(422);
      expect(res.text).to.contain('value="Typed Name"');
      expect(res.text).to.contain('Edit contact');
      expect(res.text).to.contain(`action="/contacts/${hex(c._id)}"`);
      expect((await ContactModel.findById(c._id).lean())!.name).to.equal('Keep Me');
    });

    it('when someone who may not write edits, then 403 and nothing changes; a manager may', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const c = await createContact({ partner, name: 'Keep Me' });
      for (const who of [other, staff, officer]) {
        await who.agent.get(`/contacts/${hex(c._id)}/edit`).expect(403);
        await who.post(`/contacts/${hex(c._id)}`, { name: 'Hacked' }).expect(403);
      }
      expect((await ContactModel.findById(c._id).lean())!.name).to.equal('Keep Me');
      await manager.post(`/contacts/${hex(c._id)}`, { name: 'By Manager' }).expect(302);
      expect((await ContactModel.findById(c._id).lean())!.name).to.equal('By Manager');
    });

    it('when an archived or missing contact is edited, then 404', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const gone = await createContact({ partner, archivedAt: new Date() });
      await owner.agent.get(`/contacts/${hex(gone._id)}/edit`).expect(404);
      await owner.post(`/contacts/${hex(gone._id)}`, { name: 'X' }).expect(404);
      await owner.post('/contacts/0123456789abcdef01234567', { name: 'X' }).expect(404);
    });
  });

  describe('primary contact', () => {
    it('when another contact is made primary, then exactly it is primary, both changes are audited, and the answer returns where asked', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const a = await createContact({ partner, name: 'Amy', primary: true });
      const b = await createContact({ partner, name: 'Bob' });
      await owner
        .post(`/contacts/${hex(b._id)}/primary`, { returnTo: 'partner' })
        .expect(302)
        .expect('Location', `/partners/${hex(partner._id)}`);
      expect(await primaryNames(partner._id)).to.deep.equal(['Bob']);
      const audits = await AuditEntryModel.find({ action: 'contact.primary' }).lean();
      expect(audits.map((e) => [e.entityId, e.changes[0]!.after]).sort()).to.deep.equal(
        [
          [hex(a._id), false],
          [hex(b._id), true],
        ].sort(),
      );

      await owner
        .post(`/contacts/${hex(a._id)}/primary`)
        .expect(302)
        .expect('Location', `/contacts/${hex(a._id)}`);
      expect(await primaryNames(partner._id)).to.deep.equal(['Amy']);
    });

    it('when the contact is already primary, then nothing changes and nothing is audited', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const a = await createContact({ partner, name: 'Amy', primary: true });
      await owner.post(`/contacts/${hex(a._id)}/primary`).expect(302);
      expect(await AuditEntryModel.countDocuments({ action: 'contact.primary' })).to.equal(0);
    });

    it('when staff, a complaint officer or a non-owning coordinator try, then 403 and the primary stays', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      await createContact({ partner, name: 'Amy', primary: true });
      const b = await createContact({ partner, name: 'Bob' });
      for (const who of [other, staff, officer])
        await who.post(`/contacts/${hex(b._id)}/primary`).expect(403);
      expect(await primaryNames(partner._id)).to.deep.equal(['Amy']);
    });

    it('when returnTo is not one of the known places, then the request is refused and nothing changes', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      await createContact({ partner, name: 'Amy', primary: true });
      const b = await createContact({ partner, name: 'Bob' });
      await owner.post(`/contacts/${hex(b._id)}/primary`, { returnTo: 'https://evil.example' }).expect(422);
      expect(await primaryNames(partner._id)).to.deep.equal(['Amy']);
    });
  });

  describe('archiving', () => {
    it('when the primary contact is archived, then it leaves the list and its page, the next contact by name becomes primary, and both are audited', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const zed = await createContact({ partner, name: 'Zed Primary', primary: true });
      await createContact({ partner, name: 'Mia' });
      const amy = await createContact({ partner, name: 'Amy' });

      await owner
        .post(`/contacts/${hex(zed._id)}/archive`)
        .expect(302)
        .expect('Location', `/partners/${hex(partner._id)}`);
      expect(await primaryNames(partner._id)).to.deep.equal(['Amy']);
      const stored = await ContactModel.findById(zed._id).lean();
      expect(stored!.archivedAt).to.be.instanceOf(Date);
      expect(stored!.primary).to.equal(false);

      const list = await staff.agent.get('/contacts').expect(200);
      expect(linkedIds(list.text, '/contacts')).not.to.include(hex(zed._id));
      await staff.agent.get(`/contacts/${hex(zed._id)}`).expect(404);
      await owner.post(`/contacts/${hex(zed._id)}/archive`).expect(404);

      expect(
        await AuditEntryModel.countDocuments({ action: 'contact.archive', entityId: hex(zed._id) }),
      ).to.equal(1);
      const promoted = await AuditEntryModel.findOne({
        action: 'contact.primary',
        entityId: hex(amy._id),
      }).lean();
      expect(promoted?.changes).to.deep.equal([{ field: 'primary', before: false, after: true }]);
    });

    it('when a non-primary contact is archived, then the primary stays; when the last one is archived, then no contact is primary', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const a = await createContact({ partner, name: 'Amy', primary: true });
      const b = await createContact({ partner, name: 'Bob' });
      await owner.post(`/contacts/${hex(b._id)}/archive`).expect(302);
      expect(await primaryNames(partner._id)).to.deep.equal(['Amy']);
      await owner.post(`/contacts/${hex(a._id)}/archive`).expect(302);
      expect(await ContactModel.countDocuments({ partner: partner._id, primary: true })).to.equal(0);
    });

    it('when someone who may not write archives, then 403 and the contact stays', async () => {
      const partner = await createPartner({ owner: owner.user._id });
      const c = await createContact({ partner, primary: true });
      for (const who of [other, staff, officer])
        await who.post(`/contacts/${hex(c._id)}/archive`).expect(403);
      expect((await ContactModel.findById(c._id).lean())!.archivedAt).to.equal(null);
      await admin.post(`/contacts/${hex(c._id)}/archive`).expect(302);
      expect((await ContactModel.findById(c._id).lean())!.archivedAt).to.be.instanceOf(Date);
    });
  });
});

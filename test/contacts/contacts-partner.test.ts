import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { translator } from '../../src/lib/i18n.js';
import { AuditEntryModel, SYSTEM } from '../../src/modules/audit/index.js';
import { ContactModel, contactNames } from '../../src/modules/contacts/index.js';
import { settlePrimary, syncPartnerCountry } from '../../src/modules/contacts/contacts.service.js';
import {
  partnerLinks,
  partnerSections,
  PartnerModel,
  type Partner,
} from '../../src/modules/partners/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createContact } from '../factories/contact.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';

const hex = (id: Types.ObjectId) => id.toHexString();

function section() {
  const found = partnerSections().find((s) => s.key === 'contacts');
  if (!found) throw new Error('contacts section is not registered');
  return found;
}

function link() {
  const found = partnerLinks().find((l) => l.name === 'contacts');
  if (!found) throw new Error('contacts partner link is not registered');
  return found;
}

const asUser = (u: TestUser): Express.User => ({
  _id: u._id,
  email: u.email,
  name: u.name,
  role: u.role,
  desks: [],
  locale: u.locale,
  timeZone: 'Asia/Shanghai',
});

function render(app: Express, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) =>
    app.render(view, { t: translator('en'), csrfToken: () => 'token', ...locals }, (err, html) =>
      err ? reject(err) : resolve(html),
    ),
  );
}

describe('contacts on the partner page and in merges', () => {
  const { app } = useTestApp();
  let owner: TestUser;
  let otherCoordinator: TestUser;
  let staff: TestUser;
  let manager: TestUser;

  beforeEach(async () => {
    await clearDatabase();
    owner = await createUser({ role: 'coordinator' });
    otherCoordinator = await createUser({ role: 'coordinator' });
    staff = await createUser({ role: 'staff' });
    manager = await createUser({ role: 'manager' });
  });

  describe('the partner page section', () => {
    it('when the app starts, then the contacts section is registered at order 10 with its view', () => {
      expect(section()).to.include({ key: 'contacts', order: 10, view: 'contacts/partner-section' });
    });

    it('when it loads, then it lists the live contacts primary first, then by name, with the total and who may add', async () => {
      const partner = await createPartner({ owner: owner._id });
      await createContact({ partner, name: 'Zoe' });
      await createContact({ partner, name: 'Yan', primary: true });
      await createContact({ partner, name: 'Abe' });
      await createContact({ partner, name: 'Archived Al', archivedAt: new Date() });
      await createContact({ partner: await createPartner(), name: 'Elsewhere' });

      const locals = await section().load(partner, { user: asUser(owner), query: {} });
      expect((locals!.contacts as { name: string }[]).map((c) => c.name)).to.deep.equal([
        'Yan',
        'Abe',
        'Zoe',
      ]);
      expect(locals!.total).to.equal(3);
      expect(locals!.canWriteContacts).to.equal(true);

      const as = async (u: TestUser) =>
        (await section().load(partner, { user: asUser(u), query: {} }))!.canWriteContacts;
      expect(await as(manager)).to.equal(true);
      expect(await as(otherCoordinator)).to.equal(false);
      expect(await as(staff)).to.equal(false);
    });

    it('when the partner is archived, then its contacts still show but nobody may add more', async () => {
      const partner = await createPartner({ owner: owner._id, archivedAt: new Date() });
      await createContact({ partner, name: 'Still Here' });
      const locals = await section().load(partner, { user: asUser(manager), query: {} });
      expect(locals!.total).to.equal(1);
      expect(locals!.canWriteContacts).to.equal(false);
    });

    it('when the section view renders, then it shows the primary badge, title and every way to reach a contact, escaped, and "Add contact" only for writers', async () => {
      const partner = await createPartner({ owner: owner._id });
      await createContact({
        partner,
        name: '<b>Bold</b> Nok',
        title: 'Director',
        email: 'nok@siam.test',
        phone: '+66 2 123 4567',
        wechat: 'nok_wx',
        line: 'nok.line',
        whatsapp: '+66 81 000 0000',
        primary: true,
      });
      await createContact({ partner, name: 'Second Person' });
      const writerLocals = await section().load(partner, { user: asUser(owner), query: {} });
      const html = await render(app(), 'contacts/partner-section', {
        ...writerLocals,
        partner,
        canEdit: true,
      });
      expect(html).to.contain('&lt;b&gt;Bold&lt;/b&gt; Nok').and.not.to.contain('<b>Bold</b>');
      for (const text of [
        'Primary',
        'Director',
        'mailto:nok@siam.test',
        '+66 2 123 4567',
        'nok_wx',
        'nok.line',
        '+66 81 000 0000',
      ])
        expect(html).to.contain(text);
      expect(html).to.contain(`href="/partners/${hex(partner._id)}/contacts/new"`);
      expect(html).to.contain('name="returnTo" value="partner"');

      const readerLocals = await section().load(partner, { user: asUser(staff), query: {} });
      const readOnly = await render(app(), 'contacts/partner-section', {
        ...readerLocals,
        partner,
        canEdit: false,
      });
      expect(readOnly).not.to.contain('/contacts/new');
      expect(readOnly).not.to.contain('/primary');
    });

    it('when a partner has no contacts, then the section says so', async () => {
      const partner = await createPartner({ owner: owner._id });
      const locals = await section().load(partner, { user: asUser(owner), query: {} });
      const html = await render(app(), 'contacts/partner-section', { ...locals, partner, canEdit: true });
      expect(html).to.contain('No contacts yet.');
    });
  });

  describe('merging partners', () => {
    it('when the survivor has a primary contact, then every contact of the other partner moves over as non-primary, the survivor keeps its primary, and each move is audited', async () => {
      const survivor = await createPartner({ country: 'SG' });
      const loser = await createPartner({ country: 'TH' });
      await createContact({ partner: survivor, name: 'Keeper', primary: true });
      const movedPrimary = await createContact({ partner: loser, name: 'Moved Primary', primary: true });
      const moved = await createContact({ partner: loser, name: 'Moved Plain' });
      const archived = await createContact({
        partner: loser,
        name: 'Moved Archived',
        archivedAt: new Date(),
      });

      const count = await link().move(loser._id, survivor._id, SYSTEM);
      expect(count).to.equal(3);
      expect(await ContactModel.countDocuments({ partner: loser._id })).to.equal(0);
      const after = await ContactModel.find({ partner: survivor._id }).sort({ name: 1 }).lean();
      expect(after.map((c) => [c.name, c.primary, c.partnerCountry])).to.deep.equal([
        ['Keeper', true, 'SG'],
        ['Moved Archived', false, 'SG'],
        ['Moved Plain', false, 'SG'],
        ['Moved Primary', false, 'SG'],
      ]);

      const entry = await AuditEntryModel.findOne({
        action: 'contact.move',
        entityId: hex(movedPrimary._id),
      }).lean();
      expect(entry?.changes).to.deep.equal([
        { field: 'partner', before: hex(loser._id), after: hex(survivor._id) },
        { field: 'primary', before: true, after: false },
      ]);
      for (const c of [moved, archived])
        expect(
          await AuditEntryModel.countDocuments({ action: 'contact.move', entityId: hex(c._id) }),
        ).to.equal(1);
    });

    it('when the survivor has no contacts, then the moved primary stays primary; when nothing is moved, the count is 0', async () => {
      const survivor = await createPartner();
      const loser = await createPartner();
      await createContact({ partner: loser, name: 'Brings Primary', primary: true });
      await createContact({ partner: loser, name: 'Another' });
      expect(await link().move(loser._id, survivor._id, SYSTEM)).to.equal(2);
      const primaries = await ContactModel.find({ partner: survivor._id, primary: true }).lean();
      expect(primaries.map((c) => c.name)).to.deep.equal(['Brings Primary']);

      expect(await link().move(loser._id, survivor._id, SYSTEM)).to.equal(0);
    });

    it('when neither side had a primary among live contacts, then the survivor ends with exactly one (first by name)', async () => {
      const survivor = await createPartner();
      const loser = await createPartner();
      await createContact({ partner: loser, name: 'Zed' });
      await createContact({ partner: loser, name: 'Ann' });
      await link().move(loser._id, survivor._id, SYSTEM);
      const primaries = await ContactModel.find({ partner: survivor._id, primary: true }).lean();
      expect(primaries.map((c) => c.name)).to.deep.equal(['Ann']);
    });
  });

  describe('helpers', () => {
    it('when a partner’s country changes, then its contacts follow it for the country filter', async () => {
      const partner = await createPartner({ country: 'TH' });
      await createContact({ partner, name: 'Follows' });
      await PartnerModel.updateOne({ _id: partner._id }, { $set: { country: 'VN' } });
      await syncPartnerCountry({ _id: partner._id, country: 'VN' } as Partner);
      expect((await ContactModel.findOne({ name: 'Follows' }).lean())!.partnerCountry).to.equal('VN');
    });

    it('when two people made different contacts primary at once (two primaries stored), then the next settle keeps the preferred one only', async () => {
      const partner = await createPartner();
      const a = await createContact({ partner, name: 'Amy', primary: true });
      const b = await createContact({ partner, name: 'Bob', primary: true });
      await settlePrimary(partner._id, SYSTEM, b._id);
      const primaries = await ContactModel.find({ partner: partner._id, primary: true }).lean();
      expect(primaries.map((c) => hex(c._id))).to.deep.equal([hex(b._id)]);
      expect(
        await AuditEntryModel.countDocuments({ action: 'contact.primary', entityId: hex(a._id) }),
      ).to.equal(1);
    });

    it('when contactNames gets ids (some repeated, some invalid), then it answers a map by id in one go', async () => {
      const partner = await createPartner();
      const a = await createContact({ partner, name: 'Alpha', title: 'CEO' });
      const b = await createContact({ partner, name: 'Beta', archivedAt: new Date() });
      const map = await contactNames([a._id, hex(a._id), b._id, 'nonsense', new Types.ObjectId()]);
      expect([...map.keys()].sort()).to.deep.equal([hex(a._id), hex(b._id)].sort());
      expect(map.get(hex(a._id))).to.include({ name: 'Alpha', title: 'CEO' });
      expect(map.get(hex(b._id))!.archivedAt).to.be.instanceOf(Date);
      expect((await contactNames([])).size).to.equal(0);
    });
  });
});

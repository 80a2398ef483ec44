import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { PartnerModel, registerPartnerLink } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';

function rowIds(html: string): string[] {
  return [...html.matchAll(/<a href="\/partners\/([0-9a-f]{24})" class="fw-semibold">/g)].map((m) => m[1]!);
}

function nextLink(html: string): string | undefined {
  const m = /href="([^"]*after=[^"]+)" rel="next"/.exec(html);
  return m ? m[1]!.replace(/&amp;/g, '&') : undefined;
}

const validForm = {
  name: 'Mekong River Cruises',
  nameLocal: 'Du thuyền sông Mê Kông',
  type: 'cruise_line',
  country: 'vn',
  city: 'Cần Thơ',
  website: 'WWW.MekongCruises.example/en/',
  email: 'Sales@MekongCruises.example',
  phone: '+84 292 123 4567',
  allianceStatus: 'intent',
  tags: 'cruise; river, Cruise',
};

describe('partners', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let coordinator: LoggedIn;
  let staff: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
    coordinator = await loginAs(app(), 'coordinator');
    staff = await loginAs(app(), 'staff');
  });

  describe('creating', () => {
    it('when a coordinator creates a partner, then it is stored normalised, owned by them, audited, and they land on its page', async () => {
      const res = await coordinator.post('/partners', validForm).expect(302);
      const id = /^\/partners\/([0-9a-f]{24})$/.exec(res.headers.location!)?.[1];
      expect(id).to.be.a('string');
      const p = await PartnerModel.findById(id).lean();
      expect(p).to.include({
        country: 'VN',
        website: 'https://www.mekongcruises.example/en',
        websiteHost: 'mekongcruises.example',
        email: 'sales@mekongcruises.example',
        allianceStatus: 'intent',
      });
      expect(p!.tags).to.deep.equal(['cruise', 'river']);
      expect(String(p!.owner)).to.equal(coordinator.user._id.toHexString());
      const audit = await AuditEntryModel.findOne({ action: 'partner.create', entityId: id }).lean();
      expect(audit?.changes.map((c) => c.field)).to.include.members(['name', 'country', 'owner']);
      const page = await coordinator.agent.get(res.headers.location!).expect(200);
      expect(page.text).to.contain('Mekong River Cruises').and.contain('Du thuyền sông Mê Kông');
    });

    it('when fields are invalid, then the form comes back with 422, every error at its field, the values kept and nothing stored', async () => {
      const res = await coordinator
        .post('/partners', {
          ...validForm,
          name: 'x'.repeat(201),
          type: 'spaceline',
          country: 'XX',
          website: 'javascript:alert(1)',
          email: 'nope',
        })
        .expect(422);
      for (const field of ['name', 'type', 'country', 'website', 'email']) {
        expect(res.text, field).to.match(new RegExp(`id="f-${field}-error"`));
      }
      expect(res.text).to.contain(
        'value="Sales@MekongCruises.example"'.replace('Sales@MekongCruises.example', 'nope'),
      );
      expect(res.text).to.contain('Cần Thơ');
      expect(await PartnerModel.countDocuments()).to.equal(0);
    });

    it('when the name is a likely duplicate (legal form, width, case), then the form warns with a link (409) until confirmed', async () => {
      const existing = await createPartner({
        name: 'Thai Airways International',
        country: 'TH',
        type: 'airline',
      });
      const form = { ...validForm, name: 'ＴＨＡＩ AIRWAYS INTERNATIONAL Co., Ltd.', website: '' };
      const warned = await coordinator.post('/partners', form).expect(409);
      expect(warned.text).to.contain(`href="/partners/${existing._id.toHexString()}"`);
      expect(warned.text).to.contain('name="confirmDuplicate"');
      expect(await PartnerModel.countDocuments()).to.equal(1);
      await coordinator.post('/partners', { ...form, confirmDuplicate: '1' }).expect(302);
      expect(await PartnerModel.countDocuments()).to.equal(2);
    });

    it('when a Chinese name differs only by 有限公司, or the website host is the same, then it is a likely duplicate', async () => {
      await createPartner({ name: '重庆文化旅游集团', type: 'enterprise', country: 'CN' });
      await coordinator
        .post('/partners', { ...validForm, name: '重庆文化旅游集团有限公司', website: '' })
        .expect(409);
      await createPartner({ name: 'Other name', website: 'https://mekongcruises.example' });
      await coordinator.post('/partners', { ...validForm, name: 'Totally different' }).expect(409);
    });

    it('when staff or a complaint officer try to create, then it is refused', async () => {
      await staff.post('/partners', validForm).expect(403);
      const officer = await loginAs(app(), 'complaint_officer');
      await officer.post('/partners', validForm).expect(403);
      expect(await PartnerModel.countDocuments()).to.equal(0);
    });

    it('when a name holds HTML, then every page shows it escaped', async () => {
      const res = await manager
        .post('/partners', { ...validForm, name: '<script>alert(1)</script>', website: '' })
        .expect(302);
      const page = await manager.agent.get(res.headers.location!).expect(200);
      expect(page.text).not.to.contain('<script>alert(1)</script>');
      expect(page.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      const list = await manager.agent.get('/partners').expect(200);
      expect(list.text).not.to.contain('<script>alert(1)</script>');
    });
  });

  describe('editing, archiving and owners', () => {
    it('when the owning coordinator edits, then it is saved and audited with before/after; another coordinator gets 403', async () => {
      const p = await createPartner({ owner: coordinator.user._id, name: 'Old Name Travel' });
      const id = p._id.toHexString();
      await coordinator.agent.get(`/partners/${id}/edit`).expect(200);
      await coordinator
        .post(`/partners/${id}`, {
          ...validForm,
          name: 'New Name Travel',
          owner: manager.user._id.toHexString(),
        })
        .expect(302);
      const after = await PartnerModel.findById(id).lean();
      expect(after?.name).to.equal('New Name Travel');
      expect(String(after?.owner), 'a coordinator cannot hand the partner away').to.equal(
        coordinator.user._id.toHexString(),
      );
      const audit = await AuditEntryModel.findOne({ action: 'partner.update', entityId: id }).lean();
      expect(audit?.changes.find((c) => c.field === 'name')).to.deep.include({
        before: 'Old Name Travel',
        after: 'New Name Travel',
      });

      const other = await loginAs(app(), 'coordinator');
      await other.agent.get(`/partners/${id}/edit`).expect(403);
      await other.post(`/partners/${id}`, { ...validForm, name: 'Hijack' }).expect(403);
      await staff.post(`/partners/${id}`, { ...validForm, name: 'Hijack' }).expect(403);
      expect((await PartnerModel.findById(id).lean())?.name).to.equal('New Name Travel');
    });

    it('when a manager changes the owner, then the new owner is stored; an unknown or disabled user is rejected', async () => {
      const p = await createPartner({ owner: coordinator.user._id });
      const id = p._id.toHexString();
      await manager.post(`/partners/${id}/owner`, { owner: manager.user._id.toHexString() }).expect(302);
      expect(String((await PartnerModel.findById(id).lean())?.owner)).to.equal(
        manager.user._id.toHexString(),
      );
      await manager
        .post(`/partners/${id}`, { ...validForm, owner: new Types.ObjectId().toHexString() })
        .expect(422);
      await coordinator
        .post(`/partners/${id}/owner`, { owner: coordinator.user._id.toHexString() })
        .expect(403);
    });

    it('when a partner is archived, then it leaves the list, can be listed with archived=yes, and can be restored', async () => {
      const p = await createPartner({ owner: coordinator.user._id, name: 'Archivable Tours' });
      const id = p._id.toHexString();
      await staff.post(`/partners/${id}/archive`).expect(403);
      await coordinator.post(`/partners/${id}/archive`).expect(302);
      expect(rowIds((await manager.agent.get('/partners').expect(200)).text)).not.to.include(id);
      expect(rowIds((await manager.agent.get('/partners?archived=yes').expect(200)).text)).to.deep.equal([
        id,
      ]);
      await coordinator.post(`/partners/${id}/unarchive`).expect(302);
      expect(rowIds((await manager.agent.get('/partners').expect(200)).text)).to.include(id);
      expect(await AuditEntryModel.countDocuments({ entityId: id, action: 'partner.archive' })).to.equal(1);
      expect(await AuditEntryModel.countDocuments({ entityId: id, action: 'partner.unarchive' })).to.equal(1);
    });

    it('when a manager applies a bulk owner and a bulk tag, then exactly the selected partners change, each audited', async () => {
      const [a, b, c] = await Promise.all([createPartner(), createPartner(), createPartner()]);
      const ids = [a!._id.toHexString(), b!._id.toHexString()];
      await manager
        .post('/partners/bulk', { ids, operation: 'owner', owner: coordinator.user._id.toHexString() })
        .expect(302);
      await manager.post('/partners/bulk', { ids, operation: 'tag', tag: 'ASEAN 2026' }).expect(302);
      const rows = await PartnerModel.find({}).lean();
      for (const r of rows) {
        const selected = ids.includes(r._id.toHexString());
        expect(String(r.owner), r.name).to.equal(selected ? coordinator.user._id.toHexString() : 'null');
        expect(r.tags.includes('ASEAN 2026'), r.name).to.equal(selected);
      }
      expect(
        rowIds((await manager.agent.get('/partners?tag=asean%202026').expect(200)).text).sort(),
      ).to.deep.equal(ids.sort());
      expect(c, 'an unselected partner exists').to.not.equal(undefined);
      await coordinator.post('/partners/bulk', { ids, operation: 'tag', tag: 'x' }).expect(403);
      await manager.post('/partners/bulk', { ids: ['not-an-id'], operation: 'tag', tag: 'x' }).expect(422);
    });
  });

  describe('list, search and pagination', () => {
    it('filters by type, country, status, owner (mine/none) and tag, and searches Latin, Chinese and Thai names', async () => {
      const thai = await createPartner({
        name: 'Thai Airways International',
        nameLocal: 'การบินไทย',
        type: 'airline',
        country: 'TH',
        allianceStatus: 'member',
        owner: coordinator.user._id,
        tags: ['Star Alliance'],
      });
      const cq = await createPartner({
        name: 'Chongqing Culture & Tourism Group',
        nameLocal: '重庆文化旅游集团',
        type: 'enterprise',
        country: 'CN',
      });
      const hanoi = await createPartner({
        name: 'Hà Nội Tourism',
        type: 'tourism_board',
        country: 'VN',
        allianceStatus: 'intent',
      });
      const ids = async (query: string) =>
        rowIds((await coordinator.agent.get(`/partners?${query}`).expect(200)).text).sort();
      expect(await ids('type=airline')).to.deep.equal([thai._id.toHexString()]);
      expect(await ids('country=cn')).to.deep.equal([cq._id.toHexString()]);
      expect(await ids('status=intent')).to.deep.equal([hanoi._id.toHexString()]);
      expect(await ids('owner=mine')).to.deep.equal([thai._id.toHexString()]);
      expect(await ids('owner=none')).to.deep.equal([cq._id.toHexString(), hanoi._id.toHexString()].sort());
      expect(await ids('tag=star%20alliance')).to.deep.equal([thai._id.toHexString()]);
      expect(await ids(`q=${encodeURIComponent('AIRWAYS thai')}`)).to.deep.equal([thai._id.toHexString()]);
      expect(await ids(`q=${encodeURIComponent('旅游')}`)).to.deep.equal([cq._id.toHexString()]);
      expect(await ids(`q=${encodeURIComponent('การบิน')}`)).to.deep.equal([thai._id.toHexString()]);
      expect(await ids(`q=${encodeURIComponent('ha noi')}`)).to.deep.equal([hanoi._id.toHexString()]);
      expect(await ids('q=zzzz')).to.deep.equal([]);
      const page = await coordinator.agent.get('/partners?country=TH').expect(200);
      expect(page.text).to.contain('1 partner');
    });

    it('when operators or malformed values are sent as filters, then the answer is 400 and never a broadened query', async () => {
      await createPartner();
      for (const q of [
        'q[$ne]=x',
        'country[$gt]=',
        'owner=not-an-id',
        'type=spaceline',
        'sort=price',
        'after=garbage',
      ]) {
        const res = await coordinator.agent.get(`/partners?${q}`);
        expect(res.status, q).to.equal(400);
        expect(rowIds(res.text), q).to.deep.equal([]);
      }
    });

    it('pages by cursor: 50 rows, then the rest, with no row twice or missing even when partners are added meanwhile', async () => {
      const created = [];
      for (let i = 0; i < 60; i += 1)
        created.push(await createPartner({ name: `Agency ${String(i).padStart(2, '0')}` }));
      const first = await manager.agent.get('/partners').expect(200);
      const page1 = rowIds(first.text);
      expect(page1).to.have.length(50);
      // Inserts before and after the cursor position must not shift page 2.
      await createPartner({ name: 'Agency 00 early bird' });
      await createPartner({ name: 'Agency 99 late' });
      const link = nextLink(first.text);
      expect(link).to.match(/after=/);
      const second = await manager.agent.get(link!).expect(200);
      const page2 = rowIds(second.text);
      expect(page2.filter((id) => page1.includes(id))).to.deep.equal([]);
      const expected = created.map((p) => p._id.toHexString());
      expect([...page1, ...page2].filter((id) => expected.includes(id))).to.deep.equal(expected);
      expect(nextLink(second.text)).to.equal(undefined);
    });

    it('sorts by last interaction (never contacted last) and by newest', async () => {
      const old = await createPartner({ name: 'B old', lastInteractionAt: new Date('2025-01-01') });
      const recent = await createPartner({ name: 'C recent', lastInteractionAt: new Date('2026-06-01') });
      const never = await createPartner({ name: 'A never' });
      const ids = async (sort: string) =>
        rowIds((await manager.agent.get(`/partners?sort=${sort}`).expect(200)).text);
      expect(await ids('lastInteraction')).to.deep.equal(
        [recent, old, never].map((p) => p._id.toHexString()),
      );
      expect(await ids('name')).to.deep.equal([never, old, recent].map((p) => p._id.toHexString()));
      expect((await ids('created'))[0]).to.equal(never._id.toHexString());
    });
  });

  describe('merging', () => {
    it('when a manager merges a duplicate, then the survivor takes the chosen values, linked records move, the other is archived with a pointer, and it is audited', async () => {
      const moves: [string, string][] = [];
      registerPartnerLink({
        name: 'test-links',
        move: async (from, to) => {
          moves.push([from.toHexString(), to.toHexString()]);
          return 3;
        },
      });
      const a = await createPartner({ name: 'Vietravel', tags: ['vn'], city: null });
      const b = await createPartner({ name: 'Vietravel JSC', tags: ['outbound'], city: 'Hồ Chí Minh' });
      const [aid, bid] = [a._id.toHexString(), b._id.toHexString()];
      await manager.agent.get(`/partners/${aid}/merge?q=vietravel`).expect(200);
      await manager.agent.get(`/partners/${aid}/merge?otherId=${bid}`).expect(200);
      await coordinator.post(`/partners/${aid}/merge`, { otherId: bid }).expect(403);
      await manager.post(`/partners/${aid}/merge`, { otherId: bid, city: 'take', tags: 'both' }).expect(302);

      const survivor = await PartnerModel.findById(aid).lean();
      expect(survivor).to.include({ name: 'Vietravel', city: 'Hồ Chí Minh' });
      expect(survivor!.tags).to.deep.equal(['vn', 'outbound']);
      const loser = await PartnerModel.findById(bid).lean();
      expect(loser?.archivedAt).to.be.instanceOf(Date);
      expect(String(loser?.mergedInto)).to.equal(aid);
      expect(loser?.name, 'the merged-away record keeps its own data').to.equal('Vietravel JSC');
      expect(moves).to.deep.include([bid, aid]);
      const audit = await AuditEntryModel.findOne({ action: 'partner.merge', entityId: aid }).lean();
      expect(audit?.meta).to.deep.include({ mergedFrom: bid });
      expect((audit?.meta as { moved: Record<string, number> }).moved['test-links']).to.equal(3);
      expect(await AuditEntryModel.countDocuments({ action: 'partner.merged_away', entityId: bid })).to.equal(
        1,
      );

      // The merged-away partner can no longer be edited or restored.
      await manager.post(`/partners/${bid}`, { ...validForm }).expect(409);
      await manager.post(`/partners/${bid}/unarchive`).expect(409);
      await manager.post(`/partners/${aid}/merge`, { otherId: aid }).expect(422);
    });
  });

  it('answers 404 for ids that are not ObjectIds or do not exist', async () => {
    await staff.agent.get('/partners/not-an-id').expect(404);
    await staff.agent.get(`/partners/${new Types.ObjectId().toHexString()}`).expect(404);
  });
});

import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { translator } from '../../src/lib/i18n.js';
import { AuditEntryModel, SYSTEM } from '../../src/modules/audit/index.js';
import {
  EventModel,
  eventSections,
  findLiveEvent,
  recentEvents,
  registerEventSection,
  type CrmEvent,
} from '../../src/modules/events/index.js';
import { partnerLinks, partnerSections } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createContact } from '../factories/contact.js';
import { createEvent, day } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';

const hex = (id: Types.ObjectId) => id.toHexString();
const HOUR = 60 * 60 * 1000;

function render(app: Express, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) =>
    app.render(view, { t: translator('en'), csrfToken: () => 'token', ...locals }, (err, html) =>
      err ? reject(err) : resolve(html),
    ),
  );
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

describe('the event page: what an event produced', () => {
  const { app } = useTestApp();
  let coordinator: LoggedIn;
  let staffZh: LoggedIn;

  before(async () => {
    await clearDatabase();
    coordinator = await loginAs(app(), 'coordinator');
    staffZh = await loginAs(app(), 'staff', { locale: 'zh-CN' });
  });

  it('when partners and contacts were met, then the page lists them with type and country in the viewer’s language, and the counts', async () => {
    const airline = await createPartner({ name: 'Thai Skyways', type: 'airline', country: 'TH' });
    const board = await createPartner({
      name: 'Vietnam Tourism Board',
      type: 'tourism_board',
      country: 'VN',
    });
    const nok = await createContact({ partner: airline, name: 'Nok Chaiyaporn', title: 'Sales Director' });
    const event = await createEvent({
      name: 'Global Partners Conference',
      startsAt: '2025-11-17',
      partners: [airline._id, board._id],
      contacts: [nok._id],
    });

    const en = await coordinator.agent.get(`/events/${hex(event._id)}`).expect(200);
    expect(en.text).to.contain('What this event produced');
    expect(en.text)
      .to.contain(`href="/partners/${hex(airline._id)}"`)
      .and.to.contain('Thai Skyways');
    expect(en.text).to.contain('Airline').and.to.contain('Thailand');
    expect(en.text).to.contain('Tourism board').and.to.contain('Vietnam');
    expect(en.text)
      .to.contain(`href="/contacts/${hex(nok._id)}"`)
      .and.to.contain('Sales Director');
    expect(en.text).to.match(/Partners met <span class="badge[^"]*">2</);
    expect(en.text).to.match(/Contacts met <span class="badge[^"]*">1</);

    const zh = await staffZh.agent.get(`/events/${hex(event._id)}`).expect(200);
    expect(zh.text).to.contain('本次活动成果');
    expect(zh.text).to.contain('航空公司').and.to.contain('泰国');
    expect(zh.text).to.contain('旅游局').and.to.contain('越南');
    expect(zh.text).not.to.contain(`action="/events/${hex(event._id)}/partners/`);
    expect(zh.text).not.to.contain(`href="/events/${hex(event._id)}/edit"`);
    expect(zh.text).not.to.contain(`action="/events/${hex(event._id)}/archive"`);
    expect(en.text).to.contain(`href="/events/${hex(event._id)}/edit"`);
  });

  it('when attached partners were created around the event, then only those from the first day to 7 days after the last day count as new, and the page explains the rule', async () => {
    const start = day('2025-11-17');
    const lastDay = day('2025-11-18');
    const before = await createPartner({ name: 'Known Before', createdAt: new Date(start.getTime() - 1) });
    const firstDay = await createPartner({ name: 'Signed Up Day One', createdAt: start });
    const lastMinute = await createPartner({
      name: 'Added A Week Later',
      createdAt: new Date(lastDay.getTime() + 8 * 24 * HOUR - 1),
    });
    const tooLate = await createPartner({
      name: 'Too Late',
      createdAt: new Date(lastDay.getTime() + 8 * 24 * HOUR),
    });
    const unattached = await createPartner({ name: 'Not At Event', createdAt: start });
    const event = await createEvent({
      startsAt: '2025-11-17',
      endsAt: '2025-11-18',
      partners: [before._id, firstDay._id, lastMinute._id, tooLate._id],
    });

    const res = await coordinator.agent.get(`/events/${hex(event._id)}`).expect(200);
    const section = res.text.slice(res.text.indexOf('id="new-partners"'));
    const newIds = [...section.matchAll(/<li><a href="\/partners\/([0-9a-f]{24})"/g)].map((m) => m[1]);
    expect(newIds.sort()).to.deep.equal([hex(firstDay._id), hex(lastMinute._id)].sort());
    expect(res.text).not.to.contain(hex(unattached._id));
    expect(res.text).to.match(/New partners <span class="badge[^"]*">2</);
    expect(section).to.match(
      /from the event’s first day until 7 days after its last day \(Nov 17, 2025 – Nov 25, 2025\)/,
    );
  });

  it('when an event has no partners yet, then each block says so and a writer is told to add partners before contacts', async () => {
    const event = await createEvent();
    const res = await coordinator.agent.get(`/events/${hex(event._id)}`).expect(200);
    expect(res.text).to.contain('No partners recorded for this event yet.');
    expect(res.text).to.contain('No contacts recorded for this event yet.');
    expect(res.text).to.contain('No new partners from this event.');
    expect(res.text).to.contain('Add the partners met first');
  });

  it('when names and the description hold HTML and line breaks, then they are escaped and the line breaks kept', async () => {
    const partner = await createPartner({ name: '<img src=x onerror=alert(1)>' });
    const event = await createEvent({
      name: '<script>alert("e")</script>',
      description: 'Line one\n<b>Line two</b>',
      partners: [partner._id],
    });
    const res = await coordinator.agent.get(`/events/${hex(event._id)}`).expect(200);
    expect(res.text).not.to.contain('<script>alert("e")</script>');
    expect(res.text).to.contain('&lt;script&gt;alert(&#34;e&#34;)&lt;/script&gt;');
    expect(res.text).not.to.contain('<img src=x');
    expect(res.text).to.contain(
      '<p class="preserve-lines small mb-0">Line one\n&lt;b&gt;Line two&lt;/b&gt;</p>',
    );
  });

  it('when an event id is malformed, missing or archived, then the page is 404', async () => {
    await coordinator.agent.get('/events/nope').expect(404);
    await coordinator.agent.get(`/events/${hex(new Types.ObjectId())}`).expect(404);
    const archived = await createEvent({ archivedAt: new Date() });
    await coordinator.agent.get(`/events/${hex(archived._id)}`).expect(404);
  });

  describe('sections registered by other features', () => {
    it('when features register event sections, then each loads with the event, the user and the query, and renders in order; a section answering null is left out', async () => {
      const event = await createEvent();
      const seen: { key: string; user: string; query: Record<string, unknown> }[] = [];
      const mine = (e: CrmEvent) => e._id.equals(event._id);
      registerEventSection({
        key: 'test-later',
        order: 501,
        view: 'events/partner-section',
        load: async (e, ctx) => {
          if (!mine(e)) return null;
          seen.push({ key: 'later', user: String(ctx.user._id), query: ctx.query });
          return { events: [], total: 0, fmtDays: () => '', countryLabel: () => '', partner: { _id: 'x' } };
        },
      });
      registerEventSection({
        key: 'test-earlier',
        order: 500,
        view: 'contacts/partner-section',
        load: async (e) =>
          mine(e) ? { contacts: [], total: 0, canWriteContacts: false, partner: { _id: 'x' } } : null,
      });
      registerEventSection({
        key: 'test-hidden',
        order: 499,
        view: 'does/not-exist',
        load: async () => null,
      });
      const keys = eventSections().map((s) => s.key);
      expect(keys.filter((k) => k.startsWith('test-'))).to.deep.equal([
        'test-hidden',
        'test-earlier',
        'test-later',
      ]);

      const res = await coordinator.agent.get(`/events/${hex(event._id)}?ipage=2`).expect(200);
      const earlier = res.text.indexOf('No contacts yet.');
      const later = res.text.indexOf('No events recorded for this partner.');
      expect(earlier).to.be.greaterThan(res.text.indexOf('id="new-partners"'));
      expect(later).to.be.greaterThan(earlier);
      expect(seen).to.have.length(1);
      expect(seen[0]!.user).to.equal(hex(coordinator.user._id));
      expect(seen[0]!.query).to.include({ ipage: '2' });

      // Other events do not show these sections.
      const other = await createEvent();
      const plain = await coordinator.agent.get(`/events/${hex(other._id)}`).expect(200);
      expect(plain.text).not.to.contain('No events recorded for this partner.');
    });
  });

  describe('on the partner page and in merges', () => {
    const section = () => partnerSections().find((s) => s.key === 'events')!;
    const link = () => partnerLinks().find((l) => l.name === 'events')!;

    it('when the partner page loads, then the events section (order 40) lists live events the partner attended, newest first, with the total', async () => {
      expect(section()).to.include({ key: 'events', order: 40, view: 'events/partner-section' });
      const partner = await createPartner();
      const old = await createEvent({ name: 'Old Fair', startsAt: '2023-04-01', partners: [partner._id] });
      const recent = await createEvent({
        name: 'Recent <Summit>',
        startsAt: '2025-11-17',
        endsAt: '2025-11-18',
        partners: [partner._id],
        city: 'Chongqing',
        country: 'CN',
      });
      await createEvent({
        name: 'Archived Fair',
        startsAt: '2024-01-01',
        partners: [partner._id],
        archivedAt: new Date(),
      });
      await createEvent({ name: 'Not Attended', startsAt: '2025-01-01' });

      const user = await createUser({ role: 'staff' });
      const locals = await section().load(partner, { user: asUser(user), query: {} });
      expect((locals!.events as CrmEvent[]).map((e) => hex(e._id))).to.deep.equal([
        hex(recent._id),
        hex(old._id),
      ]);
      expect(locals!.total).to.equal(2);

      const html = await render(app(), 'events/partner-section', { ...locals, partner, canEdit: false });
      expect(html).to.contain(`href="/events/${hex(recent._id)}"`);
      expect(html).to.contain('Recent &lt;Summit&gt;');
      expect(html).to.match(/Nov 17\s–\s18, 2025/);
      expect(html).to.contain('Chongqing, People&#39;s Republic of China');
      expect(html).not.to.contain('Archived Fair');

      const lonely = await createPartner();
      const none = await section().load(lonely, { user: asUser(user), query: {} });
      expect(
        await render(app(), 'events/partner-section', { ...none, partner: lonely, canEdit: false }),
      ).to.contain('No events recorded for this partner.');
    });

    it('when two partners merge, then events list the survivor instead of the other partner, never twice, and each change is audited', async () => {
      const survivor = await createPartner();
      const loser = await createPartner();
      const bystander = await createPartner();
      const onlyLoser = await createEvent({ partners: [bystander._id, loser._id] });
      const both = await createEvent({ partners: [survivor._id, loser._id] });
      const neither = await createEvent({ partners: [bystander._id] });

      expect(await link().move(loser._id, survivor._id, SYSTEM)).to.equal(2);
      const get = async (e: CrmEvent) => (await EventModel.findById(e._id).lean())!.partners.map(hex).sort();
      expect(await get(onlyLoser)).to.deep.equal([hex(bystander._id), hex(survivor._id)].sort());
      expect(await get(both)).to.deep.equal([hex(survivor._id)]);
      expect(await get(neither)).to.deep.equal([hex(bystander._id)]);
      const audits = await AuditEntryModel.find({ action: 'event.partners.move' }).lean();
      expect(audits.map((a) => a.entityId).sort()).to.deep.equal([hex(onlyLoser._id), hex(both._id)].sort());
      expect(audits[0]!.changes).to.deep.equal([
        { field: 'partners', before: hex(loser._id), after: hex(survivor._id) },
      ]);

      expect(await link().move(loser._id, survivor._id, SYSTEM)).to.equal(0);
    });
  });

  describe('lookups for other features', () => {
    it('when findLiveEvent and recentEvents are asked, then archived events and bad ids are left out, newest first', async () => {
      await EventModel.deleteMany({});
      const a = await createEvent({ name: 'A', startsAt: '2024-01-01' });
      await createEvent({ name: 'B', startsAt: '2025-01-01' });
      const gone = await createEvent({ name: 'Gone', startsAt: '2026-01-01', archivedAt: new Date() });
      expect((await findLiveEvent(a._id))?.name).to.equal('A');
      expect(await findLiveEvent(gone._id)).to.equal(null);
      expect(await findLiveEvent('not-an-id')).to.equal(null);
      expect((await recentEvents()).map((e) => e.name)).to.deep.equal(['B', 'A']);
    });
  });
});

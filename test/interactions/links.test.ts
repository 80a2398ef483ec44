import { expect } from 'chai';
import { formatDate, translator } from '../../src/lib/i18n.js';
import { AuditEntryModel, SYSTEM } from '../../src/modules/audit/index.js';
import { eventSections } from '../../src/modules/events/index.js';
import { InteractionModel, type Interaction } from '../../src/modules/interactions/index.js';
import { notifyPartnerUpdated } from '../../src/modules/partners/partner-extensions.js';
import { partnerLinks, PartnerModel, type Partner } from '../../src/modules/partners/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createEvent, createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';

function sessionUser(u: TestUser): Express.User {
  return {
    _id: u._id,
    email: u.email,
    name: u.name,
    role: u.role,
    desks: [],
    locale: u.locale,
    timeZone: 'UTC',
  };
}

async function partnerOf(p: Partner) {
  return (await PartnerModel.findById(p._id).lean())!;
}

describe('interactions linked to partners and events', () => {
  const { app } = useTestApp();
  let author: TestUser;

  beforeEach(async () => {
    await clearDatabase();
    author = await createUser({ role: 'coordinator' });
  });

  describe('merging partners', () => {
    function mover() {
      const link = partnerLinks().find((l) => l.name === 'interactions');
      if (!link) throw new Error('interactions partner link not registered');
      return link;
    }

    it('when two partners are merged, then every interaction (deleted ones too) moves to the survivor with its type and country, both partners’ last interaction is recomputed, and the move is audited', async () => {
      const survivor = await createPartner({ type: 'airline', country: 'TH', name: 'Thai Airways' });
      const loser = await createPartner({ type: 'travel_agency', country: 'VN', name: 'Thai Airways (dup)' });
      await createInteraction({
        partner: survivor,
        by: author._id,
        occurredAt: new Date('2026-01-01T00:00:00Z'),
      });
      const moved = await createInteraction({
        partner: loser,
        by: author._id,
        occurredAt: new Date('2026-02-01T00:00:00Z'),
      });
      const deleted = await createInteraction({
        partner: loser,
        by: author._id,
        occurredAt: new Date('2026-03-01T00:00:00Z'),
        deletedAt: new Date(),
      });
      await PartnerModel.updateOne(
        { _id: loser._id },
        { $set: { lastInteractionAt: new Date('2026-02-01T00:00:00Z') } },
      );

      const count = await mover().move(loser._id, survivor._id, SYSTEM);
      expect(count).to.equal(2);
      for (const id of [moved._id, deleted._id]) {
        const row = await InteractionModel.findById(id).lean<Interaction>();
        expect(String(row!.partner)).to.equal(survivor._id.toHexString());
        expect(row).to.include({ partnerType: 'airline', partnerCountry: 'TH' });
      }
      expect(await InteractionModel.countDocuments({ partner: loser._id })).to.equal(0);
      // Newest remaining (not deleted) interaction: the moved one.
      expect((await partnerOf(survivor)).lastInteractionAt!.toISOString()).to.equal(
        '2026-02-01T00:00:00.000Z',
      );
      expect((await partnerOf(loser)).lastInteractionAt).to.equal(null);
      const entry = await AuditEntryModel.findOne({ action: 'interaction.move' }).lean();
      expect(entry?.meta).to.deep.include({
        from: loser._id.toHexString(),
        to: survivor._id.toHexString(),
        count: 2,
      });

      // Running it again (an interrupted merge resumed) moves nothing and changes nothing.
      expect(await mover().move(loser._id, survivor._id, SYSTEM)).to.equal(0);
      expect(await AuditEntryModel.countDocuments({ action: 'interaction.move' })).to.equal(1);
    });

    it('when the merge gave the survivor the other partner’s type, then the survivor’s own interactions follow too', async () => {
      const survivor = await createPartner({ type: 'airline', country: 'TH' });
      const loser = await createPartner({ type: 'hotel', country: 'TH' });
      const own = await createInteraction({ partner: survivor, by: author._id });
      await PartnerModel.updateOne({ _id: survivor._id }, { $set: { type: 'hotel' } });
      await mover().move(loser._id, survivor._id, SYSTEM);
      expect((await InteractionModel.findById(own._id).lean())!.partnerType).to.equal('hotel');
    });
  });

  describe('partner updates', () => {
    it('when a partner’s type or country changes, then its interactions’ copies follow and other partners’ stay', async () => {
      const p = await createPartner({ type: 'airline', country: 'TH' });
      const other = await createPartner({ type: 'airline', country: 'TH' });
      const mine = await createInteraction({ partner: p, by: author._id });
      const theirs = await createInteraction({ partner: other, by: author._id });
      await PartnerModel.updateOne({ _id: p._id }, { $set: { type: 'cruise_line', country: 'SG' } });
      await notifyPartnerUpdated((await partnerOf(p)) as Partner);
      expect(await InteractionModel.findById(mine._id).lean()).to.include({
        partnerType: 'cruise_line',
        partnerCountry: 'SG',
      });
      expect(await InteractionModel.findById(theirs._id).lean()).to.include({
        partnerType: 'airline',
        partnerCountry: 'TH',
      });
    });
  });

  describe('the event page section', () => {
    function section() {
      const s = eventSections().find((x) => x.key === 'interactions');
      if (!s) throw new Error('interactions event section not registered');
      return s;
    }

    it('is registered as "interactions", order 20, with its view', () => {
      expect(section().order).to.equal(20);
      expect(section().view).to.equal('interactions/event-section');
    });

    it('when an event has interactions, then its section lists the live ones newest first with partner names; others and deleted ones are left out', async () => {
      const event = await createEvent({ name: 'Global Partners Conference' });
      const otherEvent = await createEvent();
      const p = await createPartner({ name: 'Chongqing Tourism Group' });
      const older = await createInteraction({
        partner: p,
        by: author._id,
        event: event._id,
        occurredAt: new Date('2025-11-17T02:00:00Z'),
      });
      const newer = await createInteraction({
        partner: p,
        by: author._id,
        event: event._id,
        occurredAt: new Date('2025-11-17T05:00:00Z'),
      });
      await createInteraction({ partner: p, by: author._id, event: event._id, deletedAt: new Date() });
      await createInteraction({ partner: p, by: author._id, event: otherEvent._id });
      await createInteraction({ partner: p, by: author._id });

      const locals = (await section().load(event, { user: sessionUser(author), query: {} })) as {
        eventInteractions: {
          page: { rows: Interaction[] };
          names: { partners: Map<string, { name: string }> };
        };
      };
      expect(locals.eventInteractions.page.rows.map((r) => r._id.toHexString())).to.deep.equal(
        [newer, older].map((r) => r._id.toHexString()),
      );
      expect(locals.eventInteractions.names.partners.get(p._id.toHexString())?.name).to.equal(
        'Chongqing Tourism Group',
      );
    });

    it('when rendered on the event page, then it lists partner, author and summary (escaped) without repeating the event, and says so when empty', async () => {
      const event = await createEvent({ name: 'Global Partners Conference' });
      const p = await createPartner({ name: 'Chongqing Tourism Group' });
      const t = translator('en');
      const render = (locals: Record<string, unknown>) =>
        new Promise<string>((resolve, reject) =>
          app().render(
            'interactions/event-section',
            {
              ...locals,
              event,
              t,
              locale: 'en',
              timeZone: 'UTC',
              fmtDate: (v: Date, withTime = true) => formatDate(v, 'en', 'UTC', withTime),
              csrfToken: () => 'x',
            },
            (err, html) => (err ? reject(err) : resolve(html)),
          ),
        );
      const empty = await render((await section().load(event, { user: sessionUser(author), query: {} }))!);
      expect(empty).to.contain('No interaction points at this event yet.');
      await createInteraction({ partner: p, by: author._id, event: event._id, summary: 'Signed <MoU>' });
      const html = await render((await section().load(event, { user: sessionUser(author), query: {} }))!);
      expect(html).to.contain('>Chongqing Tourism Group</a>');
      expect(html).to.contain(`by ${author.name}`);
      expect(html).to.contain('Signed &lt;MoU&gt;');
      expect(html).not.to.contain('At <a href="/events/');
    });

    it('when the reader may not read interactions (staff), then the section is hidden', async () => {
      const event = await createEvent();
      const staff = await createUser({ role: 'staff' });
      expect(await section().load(event, { user: sessionUser(staff), query: {} })).to.equal(null);
    });
  });
});

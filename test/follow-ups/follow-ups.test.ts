import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { InteractionModel, type Interaction } from '../../src/modules/interactions/index.js';
import type { Partner } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds, nextPageHref } from '../support/pages.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';

const DAY = 24 * 60 * 60_000;

function dayIn(date: Date, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

describe('follow-ups', () => {
  const { app } = useTestApp();
  let coord: LoggedIn;
  let partner: Partner;

  beforeEach(async () => {
    await clearDatabase();
    coord = await loginAs(app(), 'coordinator', { name: 'Chen Jing' });
    partner = await createPartner({ owner: coord.user._id, name: 'Saigontourist' });
  });

  const followUp = (over: Partial<Parameters<typeof createInteraction>[0]> = {}) =>
    createInteraction({ partner, by: coord.user._id, followUpAt: new Date(Date.now() + DAY), ...over });
  const rows = (html: string) => linkedIds(html, '/interactions');

  describe('the list', () => {
    it('when a coordinator logs a meeting with a follow-up, then it appears on their follow-ups page', async () => {
      const day = dayIn(new Date(Date.now() + 2 * DAY));
      await coord
        .post(`/partners/${partner._id.toHexString()}/interactions`, {
          kind: 'meeting',
          summary: 'Agreed to send rates',
          followUpAt: day,
        })
        .expect(302);
      const res = await coord.agent.get('/follow-ups').expect(200);
      expect(res.text).to.contain('Agreed to send rates');
      expect(res.text).to.contain('Saigontourist');
    });

    it('when they have open follow-ups, then overdue ones come first, then by due date; done, deleted and others’ are not listed', async () => {
      const colleague = await createUser({ role: 'coordinator' });
      const later = await followUp({ followUpAt: new Date(Date.now() + 10 * DAY) });
      const overdueOld = await followUp({ followUpAt: new Date(Date.now() - 5 * DAY) });
      const soon = await followUp({ followUpAt: new Date(Date.now() + DAY) });
      const overdue = await followUp({ followUpAt: new Date(Date.now() - 2 * DAY) });
      await followUp({ followUpDone: true });
      await followUp({ deletedAt: new Date() });
      await followUp({ followUpAssignee: colleague._id });
      await createInteraction({ partner, by: coord.user._id });

      const res = await coord.agent.get('/follow-ups').expect(200);
      expect(rows(res.text)).to.deep.equal(
        [overdueOld, overdue, soon, later].map((i) => i._id.toHexString()),
      );
      expect(res.text.match(/>Overdue</g)).to.have.length(2);
    });

    it('when the "done" filter is chosen, then done follow-ups show, most recently done first', async () => {
      const a = await followUp({ followUpDone: true, followUpDoneAt: new Date(Date.now() - 3 * DAY) });
      const b = await followUp({ followUpDone: true, followUpDoneAt: new Date(Date.now() - DAY) });
      await followUp();
      const res = await coord.agent.get('/follow-ups?state=done').expect(200);
      expect(rows(res.text)).to.deep.equal([b, a].map((i) => i._id.toHexString()));
    });

    it('when there are 53 open follow-ups due the same day, then page 1 shows 50 and the next page the other 3, none twice', async () => {
      const sameDay = new Date(Date.now() + 3 * DAY);
      for (let i = 0; i < 53; i += 1) await followUp({ followUpAt: sameDay });
      const first = await coord.agent.get('/follow-ups').expect(200);
      const page1 = rows(first.text);
      expect(page1).to.have.length(50);
      const href = nextPageHref(first.text)!;
      const second = await coord.agent.get(href.startsWith('/') ? href : `/follow-ups${href}`).expect(200);
      const page2 = rows(second.text);
      expect(page2).to.have.length(3);
      expect(page1.filter((id) => page2.includes(id))).to.deep.equal([]);
    });

    it('when nothing is open, then the page says so', async () => {
      const res = await coord.agent.get('/follow-ups').expect(200);
      expect(res.text).to.contain('No open follow-ups.');
    });

    it('when a manager filters by assignee, then they see that person’s or everyone’s; a coordinator asking for others’ gets 403', async () => {
      const manager = await loginAs(app(), 'manager');
      const mine = await followUp();
      const colleague = await createUser({ role: 'coordinator' });
      const theirs = await followUp({ followUpAssignee: colleague._id });
      const id = (i: Interaction) => i._id.toHexString();

      expect(rows((await manager.agent.get('/follow-ups').expect(200)).text)).to.deep.equal([]);
      expect(
        rows(
          (await manager.agent.get(`/follow-ups?assignee=${colleague._id.toHexString()}`).expect(200)).text,
        ),
      ).to.deep.equal([id(theirs)]);
      expect(
        rows((await manager.agent.get('/follow-ups?assignee=all').expect(200)).text).sort(),
      ).to.deep.equal([id(mine), id(theirs)].sort());
      const page = await manager.agent.get('/follow-ups?assignee=all').expect(200);
      expect(page.text).to.contain('id="assignee"');

      await coord.agent.get(`/follow-ups?assignee=${colleague._id.toHexString()}`).expect(403);
      await coord.agent.get('/follow-ups?assignee=all').expect(403);
      const own = await coord.agent.get(`/follow-ups?assignee=${coord.user._id.toHexString()}`).expect(200);
      expect(own.text).not.to.contain('id="assignee"');
    });

    it('when staff or a complaint officer open it, then 403; bad queries are 400', async () => {
      for (const role of ['staff', 'complaint_officer'] as const) {
        await (await loginAs(app(), role)).agent.get('/follow-ups').expect(403);
      }
      await coord.agent.get('/follow-ups?state=maybe').expect(400);
      await coord.agent.get('/follow-ups?assignee[$ne]=x').expect(400);
      await coord.agent.get('/follow-ups?after=junk').expect(400);
    });
  });

  describe('marking done', () => {
    it('when the assignee marks it done, then it is stored as done by them, its pending reminder is dropped, it is audited and they go back where they were', async () => {
      const f = await followUp();
      const res = await coord
        .post(`/follow-ups/${f._id.toHexString()}/done`, { next: '/follow-ups?state=open' })
        .expect(302);
      expect(res.headers.location).to.equal('/follow-ups?state=open');
      const after = await InteractionModel.findById(f._id).lean();
      expect(after).to.include({ followUpDone: true, followUpRemindAt: null });
      expect(after!.followUpDoneAt).to.be.instanceOf(Date);
      expect(String(after!.followUpDoneBy)).to.equal(coord.user._id.toHexString());
      const entry = await AuditEntryModel.findOne({
        action: 'followup.done',
        entityId: f._id.toHexString(),
      }).lean();
      expect(entry?.entity).to.equal('interaction');
      expect(entry!.changes.find((c) => c.field === 'followUpDone')).to.deep.include({
        before: false,
        after: true,
      });
      const list = await coord.agent.get('/follow-ups').expect(200);
      expect(rows(list.text)).to.deep.equal([]);
    });

    it('when the author (not the assignee), a manager or an admin marks it, then it is done; another coordinator gets 403', async () => {
      const colleague = await createUser({ role: 'coordinator' });
      const byAuthor = await followUp({ followUpAssignee: colleague._id });
      await coord.post(`/follow-ups/${byAuthor._id.toHexString()}/done`).expect(302);
      expect((await InteractionModel.findById(byAuthor._id).lean())!.followUpDone).to.equal(true);

      for (const role of ['manager', 'admin'] as const) {
        const f = await followUp();
        await (await loginAs(app(), role)).post(`/follow-ups/${f._id.toHexString()}/done`).expect(302);
        expect((await InteractionModel.findById(f._id).lean())!.followUpDone, role).to.equal(true);
      }

      const f = await followUp();
      const other = await loginAs(app(), 'coordinator');
      await other.post(`/follow-ups/${f._id.toHexString()}/done`).expect(403);
      for (const role of ['staff', 'complaint_officer'] as const) {
        await (await loginAs(app(), role)).post(`/follow-ups/${f._id.toHexString()}/done`).expect(403);
      }
      expect((await InteractionModel.findById(f._id).lean())!.followUpDone).to.equal(false);
    });

    it('when there is no such follow-up (no follow-up date, deleted, unknown, malformed id), then 404', async () => {
      const plain = await createInteraction({ partner, by: coord.user._id });
      const deleted = await followUp({ deletedAt: new Date() });
      await coord.post(`/follow-ups/${plain._id.toHexString()}/done`).expect(404);
      await coord.post(`/follow-ups/${deleted._id.toHexString()}/done`).expect(404);
      await coord.post(`/follow-ups/${new Types.ObjectId().toHexString()}/done`).expect(404);
      await coord.post('/follow-ups/nope/done').expect(404);
    });

    it('when "next" points to another site, then it is refused and nothing changes', async () => {
      const f = await followUp();
      await coord.post(`/follow-ups/${f._id.toHexString()}/done`, { next: '//evil.example/' }).expect(422);
      await coord
        .post(`/follow-ups/${f._id.toHexString()}/done`, { next: 'https://evil.example/' })
        .expect(422);
      expect((await InteractionModel.findById(f._id).lean())!.followUpDone).to.equal(false);
    });
  });

  describe('rescheduling', () => {
    it('when the assignee reschedules a reminded follow-up, then the new day (09:00 their time) is stored, the reminder state is cleared so it reminds again, and it is audited', async () => {
      const f = await followUp({
        followUpAt: new Date(Date.now() - DAY),
        followUpRemindAt: null,
        followUpNotifiedFor: new Date(Date.now() - DAY),
      });
      const day = dayIn(new Date(Date.now() + 4 * DAY));
      await coord.post(`/follow-ups/${f._id.toHexString()}/reschedule`, { followUpAt: day }).expect(302);
      const after = await InteractionModel.findById(f._id).lean();
      expect(after!.followUpAt!.toISOString()).to.equal(`${day}T01:00:00.000Z`);
      expect(after!.followUpRemindAt!.toISOString()).to.equal(`${day}T01:00:00.000Z`);
      expect(after).to.include({ followUpNotifiedFor: null, followUpDone: false });
      const entry = await AuditEntryModel.findOne({
        action: 'followup.reschedule',
        entityId: f._id.toHexString(),
      }).lean();
      expect(entry!.changes.map((c) => c.field)).to.include('followUpAt');
    });

    it('when a done follow-up is rescheduled, then it is open again', async () => {
      const f = await followUp({ followUpDone: true });
      await coord
        .post(`/follow-ups/${f._id.toHexString()}/reschedule`, {
          followUpAt: dayIn(new Date(Date.now() + DAY)),
        })
        .expect(302);
      expect(await InteractionModel.findById(f._id).lean()).to.include({
        followUpDone: false,
        followUpDoneAt: null,
      });
    });

    it('when the new day is in the past, not a date or missing, then the list comes back with the error by that row and nothing changes', async () => {
      const f = await followUp();
      const before = (await InteractionModel.findById(f._id).lean())!.followUpAt!.getTime();
      const past = await coord
        .post(`/follow-ups/${f._id.toHexString()}/reschedule`, {
          followUpAt: dayIn(new Date(Date.now() - 2 * DAY)),
        })
        .expect(422);
      expect(past.text).to.contain('Choose today or a later day.');
      expect(past.text).to.contain(`id="reschedule-${f._id.toHexString()}-error"`);
      const bad = await coord
        .post(`/follow-ups/${f._id.toHexString()}/reschedule`, { followUpAt: '2026-02-30' })
        .expect(422);
      expect(bad.text).to.contain('Enter a valid date.');
      await coord.post(`/follow-ups/${f._id.toHexString()}/reschedule`, {}).expect(422);
      expect((await InteractionModel.findById(f._id).lean())!.followUpAt!.getTime()).to.equal(before);
      expect(await AuditEntryModel.countDocuments({ action: 'followup.reschedule' })).to.equal(0);
    });

    it('when another coordinator reschedules, then 403; a manager may', async () => {
      const f = await followUp();
      const day = dayIn(new Date(Date.now() + 3 * DAY));
      await (
        await loginAs(app(), 'coordinator')
      )
        .post(`/follow-ups/${f._id.toHexString()}/reschedule`, { followUpAt: day })
        .expect(403);
      await (
        await loginAs(app(), 'manager')
      )
        .post(`/follow-ups/${f._id.toHexString()}/reschedule`, { followUpAt: day })
        .expect(302);
      expect(dayIn((await InteractionModel.findById(f._id).lean())!.followUpAt!)).to.equal(day);
    });
  });
});

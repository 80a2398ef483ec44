import { expect } from 'chai';
import { Types } from 'mongoose';
import { ForbiddenError } from '../../src/lib/errors.js';
import { AuditEntryModel, type AuditContext } from '../../src/modules/audit/index.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import {
  canDeleteInteraction,
  deleteInteraction,
  InteractionModel,
  type Interaction,
} from '../../src/modules/interactions/index.js';
import { PartnerModel, type Partner } from '../../src/modules/partners/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createContactAt, createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

function sessionUser(u: Pick<TestUser, '_id' | 'email' | 'name' | 'role' | 'locale'>): Express.User {
  return {
    _id: u._id,
    email: u.email,
    name: u.name,
    role: u.role,
    desks: [],
    locale: u.locale,
    timeZone: 'Asia/Shanghai',
  };
}

function ctxOf(u: Pick<TestUser, '_id' | 'email'>): AuditContext {
  return { actor: { _id: u._id, email: u.email }, ip: null };
}

function dayIn(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

async function lastInteractionAt(partner: Partner): Promise<string | null> {
  const p = await PartnerModel.findById(partner._id).lean();
  return p?.lastInteractionAt?.toISOString() ?? null;
}

describe('editing and deleting interactions', () => {
  const { app } = useTestApp();
  let author: LoggedIn;
  let partner: Partner;

  beforeEach(async () => {
    await clearDatabase();
    author = await loginAs(app(), 'coordinator', { name: 'Chen Jing' });
    partner = await createPartner({ owner: author.user._id });
  });

  /** Logs through the form so partner and audit state are real. */
  async function logged(occurredAt: string, extra: Record<string, string> = {}): Promise<Interaction> {
    await author
      .post(`/partners/${partner._id.toHexString()}/interactions`, {
        kind: 'meeting',
        occurredAt,
        summary: `At ${occurredAt}`,
        ...extra,
      })
      .expect(302);
    return (await InteractionModel.findOne({ summary: `At ${occurredAt}` }).lean<Interaction>())!;
  }

  const editForm = (over: Record<string, string | string[]> = {}) => ({
    kind: 'call',
    occurredAt: '2026-01-10T09:00',
    summary: 'Edited summary',
    ...over,
  });

  describe('editing', () => {
    it('when the author opens the edit page, then the stored values show in their time zone', async () => {
      const i = await logged('2026-01-10T09:00');
      const res = await author.agent.get(`/interactions/${i._id.toHexString()}/edit`).expect(200);
      expect(res.text).to.contain('value="2026-01-10T09:00"');
      expect(res.text).to.contain('At 2026-01-10T09:00</textarea>');
    });

    it('when the author edits, then the change is stored, audited with before/after of the changed fields only, and they return to the interaction', async () => {
      const i = await logged('2026-01-10T09:00');
      const res = await author.post(`/interactions/${i._id.toHexString()}`, editForm()).expect(302);
      expect(res.headers.location).to.equal(`/interactions/${i._id.toHexString()}`);
      const after = await InteractionModel.findById(i._id).lean();
      expect(after).to.include({ kind: 'call', summary: 'Edited summary' });
      // The time was shown and sent back to the minute: the stored instant is kept as it was.
      expect(after!.occurredAt.getTime()).to.equal(i.occurredAt.getTime());
      const entry = await AuditEntryModel.findOne({
        action: 'interaction.update',
        entityId: i._id.toHexString(),
      }).lean();
      expect(entry!.changes.map((c) => c.field).sort()).to.deep.equal(['kind', 'summary']);
      expect(entry!.changes.find((c) => c.field === 'summary')).to.deep.include({
        before: 'At 2026-01-10T09:00',
        after: 'Edited summary',
      });
    });

    it('when a manager or an admin edits someone else’s interaction, then it is stored', async () => {
      const i = await logged('2026-01-10T09:00');
      for (const role of ['manager', 'admin'] as const) {
        const user = await loginAs(app(), role);
        await user.agent.get(`/interactions/${i._id.toHexString()}/edit`).expect(200);
        await user
          .post(`/interactions/${i._id.toHexString()}`, editForm({ summary: `by ${role}` }))
          .expect(302);
        expect((await InteractionModel.findById(i._id).lean())!.summary).to.equal(`by ${role}`);
      }
    });

    it('when another coordinator, staff or a complaint officer edits, then 403 and nothing changes', async () => {
      const i = await logged('2026-01-10T09:00');
      for (const role of ['coordinator', 'staff', 'complaint_officer'] as const) {
        const user = await loginAs(app(), role);
        await user.agent.get(`/interactions/${i._id.toHexString()}/edit`).expect(403);
        await user.post(`/interactions/${i._id.toHexString()}`, editForm()).expect(403);
      }
      expect((await InteractionModel.findById(i._id).lean())!.summary).to.equal('At 2026-01-10T09:00');
    });

    it('when the interaction is deleted, unknown or the id is malformed, then 404', async () => {
      const i = await logged('2026-01-10T09:00');
      await InteractionModel.updateOne({ _id: i._id }, { $set: { deletedAt: new Date() } });
      await author.agent.get(`/interactions/${i._id.toHexString()}/edit`).expect(404);
      await author.post(`/interactions/${i._id.toHexString()}`, editForm()).expect(404);
      await author.agent.get(`/interactions/${i._id.toHexString()}`).expect(404);
      await author.agent.get(`/interactions/${new Types.ObjectId().toHexString()}/edit`).expect(404);
      await author.agent.get('/interactions/12345/edit').expect(404);
    });

    it('when the edit is invalid, then 422 with the values kept and nothing changes', async () => {
      const i = await logged('2026-01-10T09:00');
      const res = await author
        .post(`/interactions/${i._id.toHexString()}`, editForm({ kind: 'telepathy', summary: 'Kept text' }))
        .expect(422);
      expect(res.text).to.contain('Choose one of the listed values.');
      expect(res.text).to.contain('Kept text</textarea>');
      expect((await InteractionModel.findById(i._id).lean())!.kind).to.equal('meeting');
      expect(await AuditEntryModel.countDocuments({ action: 'interaction.update' })).to.equal(0);
    });

    it('when a contact linked earlier has been archived since, then editing other fields keeps it', async () => {
      const c = await createContactAt(partner, { name: 'Former Contact' });
      const i = await logged('2026-01-10T09:00', { contacts: c._id.toHexString() } as Record<string, string>);
      await ContactModel.updateOne({ _id: c._id }, { $set: { archivedAt: new Date() } });
      const page = await author.agent.get(`/interactions/${i._id.toHexString()}/edit`).expect(200);
      expect(page.text).to.contain('Former Contact');
      await author
        .post(`/interactions/${i._id.toHexString()}`, editForm({ contacts: c._id.toHexString() }))
        .expect(302);
      expect((await InteractionModel.findById(i._id).lean())!.contacts.map(String)).to.deep.equal([
        c._id.toHexString(),
      ]);
    });

    it('when the newest interaction is moved back in time, then lastInteractionAt becomes the now-newest one', async () => {
      const older = await logged('2026-01-05T09:00');
      const newest = await logged('2026-01-20T09:00');
      expect(await lastInteractionAt(partner)).to.equal('2026-01-20T01:00:00.000Z');
      await author
        .post(`/interactions/${newest._id.toHexString()}`, editForm({ occurredAt: '2026-01-01T09:00' }))
        .expect(302);
      expect(await lastInteractionAt(partner)).to.equal(older.occurredAt.toISOString());
      await author
        .post(`/interactions/${older._id.toHexString()}`, editForm({ occurredAt: '2026-02-01T08:00' }))
        .expect(302);
      expect(await lastInteractionAt(partner)).to.equal('2026-02-01T00:00:00.000Z');
    });

    it('when the follow-up date of a done, reminded follow-up changes, then it is open again and will remind on the new date', async () => {
      const tomorrow = dayIn(new Date(Date.now() + DAY), 'Asia/Shanghai');
      const later = dayIn(new Date(Date.now() + 5 * DAY), 'Asia/Shanghai');
      const i = await logged('2026-01-10T09:00', { followUpAt: tomorrow });
      await InteractionModel.updateOne(
        { _id: i._id },
        {
          $set: {
            followUpDone: true,
            followUpDoneAt: new Date(),
            followUpRemindAt: null,
            followUpNotifiedFor: i.followUpAt,
          },
        },
      );
      await author.post(`/interactions/${i._id.toHexString()}`, editForm({ followUpAt: later })).expect(302);
      const after = await InteractionModel.findById(i._id).lean();
      expect(after!.followUpAt!.toISOString()).to.equal(`${later}T01:00:00.000Z`);
      expect(after).to.include({ followUpDone: false, followUpDoneAt: null, followUpNotifiedFor: null });
      expect(after!.followUpRemindAt!.getTime()).to.equal(after!.followUpAt!.getTime());
    });

    it('when the follow-up date is removed, then the follow-up and its pending reminder are gone', async () => {
      const tomorrow = dayIn(new Date(Date.now() + DAY), 'Asia/Shanghai');
      const i = await logged('2026-01-10T09:00', { followUpAt: tomorrow });
      await author.post(`/interactions/${i._id.toHexString()}`, editForm({ followUpAt: '' })).expect(302);
      const after = await InteractionModel.findById(i._id).lean();
      expect(after).to.include({ followUpAt: null, followUpAssignee: null, followUpRemindAt: null });
    });

    it('when only the assignee changes, then the new assignee will be reminded', async () => {
      const tomorrow = dayIn(new Date(Date.now() + DAY), 'Asia/Shanghai');
      const i = await logged('2026-01-10T09:00', { followUpAt: tomorrow });
      await InteractionModel.updateOne(
        { _id: i._id },
        { $set: { followUpRemindAt: null, followUpNotifiedFor: i.followUpAt } },
      );
      const colleague = await createUser({ role: 'coordinator' });
      await author
        .post(
          `/interactions/${i._id.toHexString()}`,
          editForm({ followUpAt: tomorrow, followUpAssignee: colleague._id.toHexString() }),
        )
        .expect(302);
      const after = await InteractionModel.findById(i._id).lean();
      expect(String(after!.followUpAssignee)).to.equal(colleague._id.toHexString());
      expect(after!.followUpAt!.getTime()).to.equal(i.followUpAt!.getTime());
      expect(after!.followUpRemindAt!.getTime()).to.equal(i.followUpAt!.getTime());
    });
  });

  describe('the 24-hour delete rule (service, controllable clock)', () => {
    it('when the author deletes just before 24 hours have passed, then it is deleted; just after, it is forbidden; a manager may any time', async () => {
      const created = new Date('2026-03-01T08:00:00Z');
      const coordinator = sessionUser(author.user);
      const a = await createInteraction({ partner, by: author.user._id, createdAt: created });
      const b = await createInteraction({ partner, by: author.user._id, createdAt: created });

      expect(canDeleteInteraction(coordinator, a, new Date(created.getTime() + DAY))).to.equal(true);
      expect(canDeleteInteraction(coordinator, a, new Date(created.getTime() + DAY + 1))).to.equal(false);

      await deleteInteraction(
        a._id,
        coordinator,
        ctxOf(author.user),
        new Date(created.getTime() + DAY - 60_000),
      );
      expect((await InteractionModel.findById(a._id).lean())!.deletedAt).to.be.instanceOf(Date);

      let error: unknown;
      try {
        await deleteInteraction(
          b._id,
          coordinator,
          ctxOf(author.user),
          new Date(created.getTime() + DAY + 1000),
        );
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ForbiddenError);
      expect((await InteractionModel.findById(b._id).lean())!.deletedAt).to.equal(null);

      const manager = await createUser({ role: 'manager' });
      await deleteInteraction(
        b._id,
        sessionUser(manager),
        ctxOf(manager),
        new Date(created.getTime() + 400 * DAY),
      );
      expect((await InteractionModel.findById(b._id).lean())!.deletedAt).to.be.instanceOf(Date);
    });

    it('when another coordinator tries within the 24 hours, then it is forbidden (the window is the author’s only)', async () => {
      const other = await createUser({ role: 'coordinator' });
      const a = await createInteraction({ partner, by: author.user._id });
      expect(canDeleteInteraction(sessionUser(other), a, new Date())).to.equal(false);
    });
  });

  describe('deleting over HTTP', () => {
    it('when the author deletes within 24 hours, then it is soft-deleted (kept with who and when), leaves the pages, is audited, and they return to the partner', async () => {
      const i = await logged('2026-01-10T09:00');
      const res = await author.post(`/interactions/${i._id.toHexString()}/delete`).expect(302);
      expect(res.headers.location).to.equal(`/partners/${partner._id.toHexString()}#timeline`);
      const stored = await InteractionModel.findById(i._id).lean();
      expect(stored!.deletedAt).to.be.instanceOf(Date);
      expect(String(stored!.deletedBy)).to.equal(author.user._id.toHexString());
      expect(stored!.summary).to.equal('At 2026-01-10T09:00');
      const list = await author.agent.get('/interactions').expect(200);
      expect(list.text).not.to.contain('At 2026-01-10T09:00');
      const entry = await AuditEntryModel.findOne({
        action: 'interaction.delete',
        entityId: i._id.toHexString(),
      }).lean();
      expect(entry?.entity).to.equal('interaction');
      expect(entry!.changes.map((c) => c.field)).to.deep.equal(['deletedAt']);
      // Deleting twice: it is gone already.
      await author.post(`/interactions/${i._id.toHexString()}/delete`).expect(404);
    });

    it('when the author tries after 24 hours, then 403 saying why, and it stays', async () => {
      const old = await createInteraction({
        partner,
        by: author.user._id,
        createdAt: new Date(Date.now() - 25 * HOUR),
      });
      const res = await author.post(`/interactions/${old._id.toHexString()}/delete`).expect(403);
      expect(res.text).to.contain('within 24 hours');
      expect((await InteractionModel.findById(old._id).lean())!.deletedAt).to.equal(null);
      // The page does not offer the button.
      const page = await author.agent.get(`/interactions/${old._id.toHexString()}`).expect(200);
      expect(page.text).not.to.contain('/delete"');
    });

    it('when another coordinator, staff or a complaint officer tries, then 403; a manager and an admin may', async () => {
      const a = await createInteraction({ partner, by: author.user._id });
      for (const role of ['coordinator', 'staff', 'complaint_officer'] as const) {
        const user = await loginAs(app(), role);
        await user.post(`/interactions/${a._id.toHexString()}/delete`).expect(403);
      }
      expect((await InteractionModel.findById(a._id).lean())!.deletedAt).to.equal(null);
      const b = await createInteraction({
        partner,
        by: author.user._id,
        createdAt: new Date(Date.now() - 90 * DAY),
      });
      for (const [role, doc] of [
        ['manager', a],
        ['admin', b],
      ] as const) {
        const user = await loginAs(app(), role);
        await user.post(`/interactions/${doc._id.toHexString()}/delete`).expect(302);
        expect((await InteractionModel.findById(doc._id).lean())!.deletedAt, role).to.be.instanceOf(Date);
      }
    });

    it('when the newest interaction is deleted, then lastInteractionAt falls back to the next newest; deleting the last one clears it', async () => {
      const older = await logged('2026-01-05T09:00');
      const newest = await logged('2026-01-20T09:00');
      await author.post(`/interactions/${newest._id.toHexString()}/delete`).expect(302);
      expect(await lastInteractionAt(partner)).to.equal(older.occurredAt.toISOString());
      await author.post(`/interactions/${older._id.toHexString()}/delete`).expect(302);
      expect(await lastInteractionAt(partner)).to.equal(null);
      const p = await PartnerModel.findById(partner._id).lean();
      expect(p!.lastInteractionSort.getTime()).to.equal(0);
    });

    it('when an older interaction is deleted, then lastInteractionAt stays on the newest', async () => {
      const older = await logged('2026-01-05T09:00');
      await logged('2026-01-20T09:00');
      await author.post(`/interactions/${older._id.toHexString()}/delete`).expect(302);
      expect(await lastInteractionAt(partner)).to.equal('2026-01-20T01:00:00.000Z');
    });

    it('when a deleted interaction had a pending follow-up, then it no longer reminds or lists', async () => {
      const tomorrow = dayIn(new Date(Date.now() + DAY), 'Asia/Shanghai');
      const i = await logged('2026-01-10T09:00', { followUpAt: tomorrow });
      await author.post(`/interactions/${i._id.toHexString()}/delete`).expect(302);
      expect((await InteractionModel.findById(i._id).lean())!.followUpRemindAt).to.equal(null);
      const page = await author.agent.get('/follow-ups').expect(200);
      expect(page.text).not.to.contain(i._id.toHexString());
    });
  });

  describe('the interaction page', () => {
    it('when opened by readers, then it shows the details; staff get 403', async () => {
      const i = await logged('2026-01-10T09:00');
      const manager = await loginAs(app(), 'manager');
      const page = await manager.agent.get(`/interactions/${i._id.toHexString()}`).expect(200);
      expect(page.text).to.contain('At 2026-01-10T09:00');
      expect(page.text).to.contain('by Chen Jing');
      expect(page.text).to.contain(`/interactions/${i._id.toHexString()}/edit`);
      const staff = await loginAs(app(), 'staff');
      await staff.agent.get(`/interactions/${i._id.toHexString()}`).expect(403);
      const other = await loginAs(app(), 'coordinator');
      const view = await other.agent.get(`/interactions/${i._id.toHexString()}`).expect(200);
      expect(view.text).not.to.contain(`/interactions/${i._id.toHexString()}/edit`);
      expect(view.text).not.to.contain('/delete"');
    });

    it('when the author is renamed later, then pages show the current name', async () => {
      const i = await logged('2026-01-10T09:00');
      await UserModel.updateOne({ _id: author.user._id }, { $set: { name: 'Chen Jing (Chongqing)' } });
      const page = await author.agent.get(`/interactions/${i._id.toHexString()}`).expect(200);
      expect(page.text).to.contain('by Chen Jing (Chongqing)');
    });
  });
});

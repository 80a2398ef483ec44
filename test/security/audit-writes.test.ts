import { expect } from 'chai';
import type { Types } from 'mongoose';
import type { Role } from '../../src/lib/permissions.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { createContact } from '../factories/contact.js';
import { createEvent } from '../factories/event.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';

/**
 * Every write leaves exactly one audit entry per record it changes, naming the signed-in actor.
 * One row per write: a module merged later adds its rows here (setup makes the record, the
 * request changes it, `actions` lists the entries expected, in any order).
 */
interface Case {
  name: string;
  role?: Role;
  /** Makes what the request needs; returns the id of the record written (or null for a create). */
  setup?: (me: LoggedIn) => Promise<string | null>;
  request: (me: LoggedIn, id: string) => Promise<{ status: number }>;
  actions: string[];
  /** The setup id is the parent (a contact made under a partner): the entry names the new record. */
  createsUnder?: boolean;
}

const hex = (id: Types.ObjectId) => id.toHexString();
const partnerForm = { type: 'hotel', country: 'TH' };

const CASES: Case[] = [
  {
    name: 'partner create',
    request: (me) => me.post('/partners', { name: 'Audit Create', ...partnerForm }),
    actions: ['partner.create'],
  },
  {
    name: 'partner update',
    setup: async () => hex((await createPartner())._id),
    request: (me, id) => me.post(`/partners/${id}`, { name: 'Audit Update', ...partnerForm }),
    actions: ['partner.update'],
  },
  {
    name: 'partner archive',
    setup: async () => hex((await createPartner())._id),
    request: (me, id) => me.post(`/partners/${id}/archive`),
    actions: ['partner.archive'],
  },
  {
    name: 'partner unarchive',
    setup: async () => hex((await createPartner({ archivedAt: new Date() }))._id),
    request: (me, id) => me.post(`/partners/${id}/unarchive`),
    actions: ['partner.unarchive'],
  },
  {
    name: 'contact create',
    setup: async () => hex((await createPartner())._id),
    request: (me, id) => me.post(`/partners/${id}/contacts`, { name: 'Audit Contact' }),
    actions: ['contact.create'],
    createsUnder: true,
  },
  {
    name: 'contact update',
    setup: async () => hex((await createContact({ partner: await createPartner() }))._id),
    request: (me, id) => me.post(`/contacts/${id}`, { name: 'Audit Contact 2' }),
    actions: ['contact.update'],
  },
  {
    name: 'contact archive',
    setup: async () => hex((await createContact({ partner: await createPartner() }))._id),
    request: (me, id) => me.post(`/contacts/${id}/archive`),
    actions: ['contact.archive'],
  },
  {
    name: 'interaction create',
    setup: async () => hex((await createPartner())._id),
    request: (me, id) => me.post(`/partners/${id}/interactions`, { kind: 'call', summary: 'Audit call' }),
    actions: ['interaction.create'],
    createsUnder: true,
  },
  {
    name: 'interaction update',
    setup: async (me) =>
      hex((await createInteraction({ partner: await createPartner(), by: me.user._id }))._id),
    request: (me, id) => me.post(`/interactions/${id}`, { kind: 'call', summary: 'Audit edit' }),
    actions: ['interaction.update'],
  },
  {
    name: 'interaction delete',
    setup: async (me) =>
      hex((await createInteraction({ partner: await createPartner(), by: me.user._id }))._id),
    request: (me, id) => me.post(`/interactions/${id}/delete`),
    actions: ['interaction.delete'],
  },
  {
    name: 'follow-up done',
    setup: async (me) =>
      hex(
        (
          await createInteraction({
            partner: await createPartner(),
            by: me.user._id,
            followUpAt: new Date(Date.now() + 86_400_000),
          })
        )._id,
      ),
    request: (me, id) => me.post(`/follow-ups/${id}/done`),
    actions: ['followup.done'],
  },
  {
    name: 'follow-up reschedule',
    setup: async (me) =>
      hex(
        (
          await createInteraction({
            partner: await createPartner(),
            by: me.user._id,
            followUpAt: new Date(Date.now() + 86_400_000),
          })
        )._id,
      ),
    request: (me, id) => me.post(`/follow-ups/${id}/reschedule`, { followUpAt: '2031-01-10' }),
    actions: ['followup.reschedule'],
  },
  {
    name: 'event create',
    request: (me) => me.post('/events', { name: 'Audit Expo', startsAt: '2026-05-01', country: 'CN' }),
    actions: ['event.create'],
  },
  {
    name: 'event update',
    setup: async () => hex((await createEvent())._id),
    request: (me, id) => me.post(`/events/${id}`, { name: 'Audit Expo 2', startsAt: '2026-05-02' }),
    actions: ['event.update'],
  },
  {
    name: 'event archive',
    setup: async () => hex((await createEvent())._id),
    request: (me, id) => me.post(`/events/${id}/archive`),
    actions: ['event.archive'],
  },
  {
    name: 'user create',
    role: 'admin',
    request: (me) =>
      me.post('/admin/users', {
        email: `audit${Date.now()}@example.test`,
        name: 'Audit User',
        role: 'staff',
        locale: 'en',
        timeZone: 'Asia/Shanghai',
        password: 'a long enough passphrase 42',
      }),
    actions: ['user.create'],
  },
  {
    name: 'user update',
    role: 'admin',
    setup: async () => hex((await createUser({ role: 'staff' }))._id),
    request: (me, id) =>
      me.post(`/admin/users/${id}`, {
        name: 'Renamed',
        role: 'coordinator',
        locale: 'en',
        timeZone: 'Asia/Bangkok',
      }),
    actions: ['user.update'],
  },
  {
    name: 'user disable',
    role: 'admin',
    setup: async () => hex((await createUser({ role: 'staff' }))._id),
    request: (me, id) => me.post(`/admin/users/${id}/disable`),
    actions: ['user.disable'],
  },
  {
    name: 'user password reset',
    role: 'admin',
    setup: async () => hex((await createUser({ role: 'staff' }))._id),
    request: (me, id) => me.post(`/admin/users/${id}/password`, { password: 'another long passphrase 77' }),
    actions: ['user.password'],
  },
  {
    name: 'own profile',
    role: 'staff',
    setup: async (me) => hex(me.user._id),
    request: (me) => me.post('/profile', { name: 'Me Myself', locale: 'en', timeZone: 'Asia/Bangkok' }),
    actions: ['user.profile'],
  },
];

describe('audit: each write leaves exactly one entry per record, with the right actor', () => {
  const { app } = useTestApp();

  for (const c of CASES) {
    it(`${c.name} → ${c.actions.join(' + ')}`, async () => {
      const me = await loginAs(app(), c.role ?? 'admin');
      const id = (await c.setup?.(me)) ?? null;
      const before = await AuditEntryModel.countDocuments();
      const res = await c.request(me, id ?? '');
      expect(res.status, `${c.name} answered`).to.be.oneOf([200, 201, 302, 303]);
      const added = await AuditEntryModel.find().sort({ _id: -1 }).limit(10).lean();
      const fresh = added.slice(0, (await AuditEntryModel.countDocuments()) - before);
      expect(fresh.map((e) => e.action).sort()).to.deep.equal([...c.actions].sort());
      for (const entry of fresh) {
        expect(String(entry.actor), `${entry.action} actor`).to.equal(hex(me.user._id));
        expect(entry.actorEmail).to.equal(me.user.email);
        if (id && !c.createsUnder) expect(entry.entityId, `${entry.action} record`).to.equal(id);
      }
    });
  }

  it('when a write is refused (validation), then no audit entry is left', async () => {
    const me = await loginAs(app(), 'admin');
    const before = await AuditEntryModel.countDocuments();
    await me.post('/partners', { name: '', ...partnerForm }).expect(422);
    await me.post('/events', { name: 'No date' }).expect(422);
    expect(await AuditEntryModel.countDocuments()).to.equal(before);
  });
});

import { expect } from 'chai';
import { Types } from 'mongoose';
import { ROLES } from '../../src/lib/permissions.js';
import { AuditEntryModel, diffFields, recordAudit, SYSTEM } from '../../src/modules/audit/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { nextPageHref } from '../support/pages.js';
import { createUser } from '../factories/user.js';

/** The entity ids of the rows on an audit page, in page order. */
function rowIds(html: string): string[] {
  return [...html.matchAll(/entityId=([A-Za-z0-9_-]+)"/g)].map((m) => m[1]!);
}

async function rejection(promise: PromiseLike<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  return 'resolved';
}

describe('audit log', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  describe('the model', () => {
    it('when code tries to change or remove an entry, in any way Mongoose offers, then it is refused and the entry stays', async () => {
      await recordAudit(SYSTEM, { action: 'partner.create', entity: 'partner', entityId: 'p1' });
      const attempts: [string, () => PromiseLike<unknown>][] = [
        ['updateOne', () => AuditEntryModel.updateOne({}, { $set: { action: 'x' } })],
        ['updateMany', () => AuditEntryModel.updateMany({}, { $set: { action: 'x' } })],
        ['findOneAndUpdate', () => AuditEntryModel.findOneAndUpdate({}, { $set: { action: 'x' } })],
        ['replaceOne', () => AuditEntryModel.replaceOne({}, { action: 'x', entity: 'x' })],
        ['deleteOne', () => AuditEntryModel.deleteOne({})],
        ['deleteMany', () => AuditEntryModel.deleteMany({})],
        ['findOneAndDelete', () => AuditEntryModel.findOneAndDelete({})],
      ];
      for (const [name, attempt] of attempts) {
        expect(await rejection(attempt()), name).to.contain('append-only');
      }

      const doc = await AuditEntryModel.findOne();
      doc!.action = 'tampered';
      expect(await rejection(doc!.save()), 'save after create').to.contain('append-only');
      expect(await rejection(doc!.deleteOne()), 'document deleteOne').to.contain('append-only');

      const all = await AuditEntryModel.find().lean();
      expect(all).to.have.length(1);
      expect(all[0]).to.include({ action: 'partner.create', entityId: 'p1' });
    });

    it('when recordAudit is called, then who, what, which record, the changes and the IP are stored', async () => {
      const actorId = new Types.ObjectId();
      const entityId = new Types.ObjectId();
      const before = new Date();
      await recordAudit(
        { actor: { _id: actorId, email: 'ops@example.test' }, ip: '203.0.113.7' },
        {
          action: 'partner.update',
          entity: 'partner',
          entityId,
          changes: [{ field: 'name', before: 'A', after: 'B' }],
          meta: { source: 'form' },
        },
      );
      await recordAudit(SYSTEM, { action: 'job.run', entity: 'job' });

      const [entry, system] = await AuditEntryModel.find().sort({ _id: 1 }).lean();
      expect(entry).to.deep.include({
        actorEmail: 'ops@example.test',
        action: 'partner.update',
        entity: 'partner',
        entityId: entityId.toHexString(),
        changes: [{ field: 'name', before: 'A', after: 'B' }],
        meta: { source: 'form' },
        ip: '203.0.113.7',
      });
      expect(entry!.actor?.toHexString()).to.equal(actorId.toHexString());
      expect(entry!.at.getTime()).to.be.at.least(before.getTime());
      expect(system).to.include({ actor: null, actorEmail: null, entityId: null, ip: null });
    });
  });

  describe('diffFields', () => {
    it('when some fields change, then only those are listed, with before and after', () => {
      const changes = diffFields(
        { name: 'Old', role: 'staff', tags: ['a'], other: 1 },
        { name: 'New', role: 'staff', tags: ['a', 'b'], other: 2 },
        ['name', 'role', 'tags'],
      );
      expect(changes).to.deep.equal([
        { field: 'name', before: 'Old', after: 'New' },
        { field: 'tags', before: ['a'], after: ['a', 'b'] },
      ]);
    });

    it('when dates and ids are equal by value, then they are not changes; different ids are shown as hex', () => {
      const id = new Types.ObjectId();
      const other = new Types.ObjectId();
      expect(
        diffFields(
          { at: new Date(0), owner: id },
          { at: new Date(0), owner: new Types.ObjectId(id.toHexString()) },
          ['at', 'owner'],
        ),
      ).to.deep.equal([]);
      expect(diffFields({ owner: id }, { owner: other }, ['owner'])).to.deep.equal([
        { field: 'owner', before: id.toHexString(), after: other.toHexString() },
      ]);
    });

    it('when a record is created, then every set field is listed with before null', () => {
      expect(
        diffFields(null, { name: 'New', role: 'staff', empty: null }, ['name', 'role', 'empty', 'missing']),
      ).to.deep.equal([
        { field: 'name', before: null, after: 'New' },
        { field: 'role', before: null, after: 'staff' },
      ]);
    });

    it("when a secret field changes, then it is listed as '[changed]' without either value", () => {
      const changes = diffFields(
        { passwordHash: 'hash-one', name: 'Same' },
        { passwordHash: 'hash-two', name: 'Same' },
        ['passwordHash', 'name'],
        ['passwordHash'],
      );
      expect(changes).to.deep.equal([{ field: 'passwordHash', before: null, after: '[changed]' }]);
      expect(JSON.stringify(changes)).not.to.match(/hash-one|hash-two/);
      expect(diffFields({ token: 'x' }, { token: 'x' }, ['token'], ['token'])).to.deep.equal([]);
    });
  });

  describe('the audit page', () => {
    let admin: LoggedIn;

    beforeEach(async () => {
      admin = await loginAs(app(), 'admin');
    });

    it('when the admin filters by actor, entity or action, then only matching entries are listed', async () => {
      const ana = await createUser({ name: 'Ana' });
      const ben = await createUser({ name: 'Ben' });
      await AuditEntryModel.create([
        {
          actor: ana._id,
          actorEmail: ana.email,
          action: 'partner.create',
          entity: 'partner',
          entityId: 'ana-partner',
        },
        {
          actor: ana._id,
          actorEmail: ana.email,
          action: 'agreement.stage',
          entity: 'agreement',
          entityId: 'ana-agreement',
        },
        {
          actor: ben._id,
          actorEmail: ben.email,
          action: 'partner.update',
          entity: 'partner',
          entityId: 'ben-partner',
        },
      ]);

      const byActor = await admin.agent.get(`/admin/audit?actor=${ana._id.toHexString()}`).expect(200);
      expect(rowIds(byActor.text).sort()).to.deep.equal(['ana-agreement', 'ana-partner']);

      const byEntity = await admin.agent.get('/admin/audit?entity=partner').expect(200);
      expect(rowIds(byEntity.text).sort()).to.deep.equal(['ana-partner', 'ben-partner']);

      const byAction = await admin.agent.get('/admin/audit?action=partner.update').expect(200);
      expect(rowIds(byAction.text)).to.deep.equal(['ben-partner']);

      const combined = await admin.agent
        .get(`/admin/audit?actor=${ana._id.toHexString()}&entity=partner&action=partner.create`)
        .expect(200);
      expect(rowIds(combined.text)).to.deep.equal(['ana-partner']);

      const all = await admin.agent.get('/admin/audit').expect(200);
      expect(rowIds(all.text)).to.include.members(['ana-partner', 'ana-agreement', 'ben-partner']);
    });

    it('when the admin gives a date range (YYYY-MM-DD), then entries from "from" through the whole "to" day are listed', async () => {
      await AuditEntryModel.create([
        { at: new Date('2025-11-16T12:00:00Z'), action: 'event.create', entity: 'event', entityId: 'day-16' },
        { at: new Date('2025-11-17T12:00:00Z'), action: 'event.create', entity: 'event', entityId: 'day-17' },
        { at: new Date('2025-11-18T12:00:00Z'), action: 'event.create', entity: 'event', entityId: 'day-18' },
      ]);
      const ids = async (query: string) =>
        rowIds((await admin.agent.get(`/admin/audit?entity=event&${query}`).expect(200)).text).sort();

      expect(await ids('from=2025-11-17&to=2025-11-17')).to.deep.equal(['day-17']);
      expect(await ids('from=2025-11-17')).to.deep.equal(['day-17', 'day-18']);
      expect(await ids('to=2025-11-16')).to.deep.equal(['day-16']);
      expect(await ids('from=2025-11-16&to=2025-11-18')).to.deep.equal(['day-16', 'day-17', 'day-18']);
    });

    it('when there are 60 entries, then page 1 shows the newest 50 and its "Next page" link the other 10, newest first, no overlap', async () => {
      const start = Date.UTC(2025, 10, 17, 8, 0, 0);
      const docs = Array.from({ length: 60 }, (_, i) => ({
        at: new Date(start + i * 60_000),
        action: 'plaque.award',
        entity: 'plaque',
        entityId: `p-${String(i).padStart(2, '0')}`,
      }));
      for (const doc of docs) await AuditEntryModel.create(doc);
      const newestFirst = docs.map((d) => d.entityId).reverse();

      const first = await admin.agent.get('/admin/audit?entity=plaque').expect(200);
      const page1 = rowIds(first.text);
      expect(page1).to.deep.equal(newestFirst.slice(0, 50));
      const href = nextPageHref(first.text);
      expect(href)
        .to.match(/^\/admin\/audit\?/)
        .and.to.contain('entity=plaque')
        .and.to.contain('after=');

      const second = await admin.agent.get(href!).expect(200);
      const page2 = rowIds(second.text);
      expect(page2).to.deep.equal(newestFirst.slice(50));
      expect(nextPageHref(second.text)).to.equal(undefined);
      expect(page1.filter((id) => page2.includes(id))).to.deep.equal([]);
    });

    it('when entries hold HTML in changes, meta or the actor e-mail, then the page shows it escaped', async () => {
      await AuditEntryModel.create({
        actorEmail: '"><svg onload=alert(3)>@x.test',
        action: 'partner.update',
        entity: 'partner',
        entityId: 'xss',
        changes: [{ field: 'name', before: '<b>old</b>', after: '<img src=x onerror=alert(1)>' }],
        meta: { note: '<script>alert(2)</script>' },
      });
      const res = await admin.agent.get('/admin/audit?entity=partner').expect(200);
      expect(rowIds(res.text)).to.deep.equal(['xss']);
      expect(res.text).to.contain('&lt;img src=x onerror=alert(1)&gt;');
      expect(res.text).to.contain('&lt;b&gt;old&lt;/b&gt;');
      expect(res.text).to.contain('&lt;script&gt;alert(2)&lt;/script&gt;');
      expect(res.text).to.contain('&#34;&gt;&lt;svg onload=alert(3)&gt;@x.test');
      expect(res.text).not.to.contain('<img src=x');
      expect(res.text).not.to.contain('<script>alert(2)');
      expect(res.text).not.to.contain('<svg onload');
    });

    it('when a filter value is malformed or an operator, then the answer is 400', async () => {
      for (const query of [
        'actor=not-an-id',
        'from=yesterday',
        'entity=Partner%24',
        'actor[$ne]=x',
        'bogus=1',
      ]) {
        const res = await admin.agent.get(`/admin/audit?${query}`);
        expect(res.status, query).to.equal(400);
      }
    });

    it('when a non-admin opens the audit log, then it is refused with 403', async () => {
      for (const role of ROLES.filter((r) => r !== 'admin')) {
        const user = await loginAs(app(), role);
        await user.agent.get('/admin/audit').expect(403);
        await user.agent.get('/admin/audit?entity=user').expect(403);
      }
    });
  });
});

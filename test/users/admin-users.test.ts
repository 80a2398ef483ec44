import { expect } from 'chai';
import request from 'supertest';
import { AuditEntryModel, SYSTEM } from '../../src/modules/audit/index.js';
import { setDisabled, UserModel } from '../../src/modules/users/index.js';
import { csrfFrom, loginAs, signIn, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { anonymous, linkedIds, nextPageHref } from '../support/pages.js';
import { createUser } from '../factories/user.js';

const NEW_USER = {
  name: 'Nok Chaiyaporn',
  email: 'Nok.C@Example.test',
  role: 'coordinator',
  locale: 'en',
  timeZone: 'Asia/Bangkok',
  password: 'mango sticky rice 2026',
};

describe('administering users', () => {
  const { app } = useTestApp();
  let admin: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    admin = await loginAs(app(), 'admin', { name: 'Ada Admin' });
  });

  /** Status of a sign-in attempt with these credentials. */
  async function loginStatus(email: string, password: string): Promise<number> {
    const { agent, csrf } = await anonymous(app());
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, email, password });
    return res.status;
  }

  describe('listing', () => {
    it('when the admin filters by role, search text or state, then only matching users are listed', async () => {
      const mei = await createUser({ role: 'manager', name: 'Mei Manager' });
      const cole = await createUser({ role: 'coordinator', name: 'Cole Coord', email: 'cole@partners.test' });
      const dana = await createUser({ role: 'staff', name: 'Dana Gone', disabledAt: new Date() });

      const ids = (query: string) =>
        admin.agent
          .get(`/admin/users${query}`)
          .expect(200)
          .then((res) => linkedIds(res.text, '/admin/users').sort());
      const id = (u: { _id: { toHexString(): string } }) => u._id.toHexString();

      expect(await ids('')).to.deep.equal([mei, cole, dana, admin.user].map(id).sort());
      expect(await ids('?role=manager')).to.deep.equal([id(mei)]);
      expect(await ids('?q=COLE')).to.deep.equal([id(cole)]);
      expect(await ids('?q=partners.test')).to.deep.equal([id(cole)]);
      expect(await ids('?state=disabled')).to.deep.equal([id(dana)]);
      expect(await ids('?state=active')).to.deep.equal([mei, cole, admin.user].map(id).sort());
      expect(await ids('?role=staff&state=active')).to.deep.equal([]);
    });

    it('when the search text holds regex characters, then they are matched literally', async () => {
      await createUser({ name: 'Plain Name' });
      const res = await admin.agent.get(`/admin/users?q=${encodeURIComponent('.*')}`).expect(200);
      expect(linkedIds(res.text, '/admin/users')).to.deep.equal([]);
      expect(res.text).to.contain('Nothing matches these filters.');
    });

    it('when there are 60 users, then page 1 shows 50 with a "Next page" link whose after= gives the other 10, no overlap', async () => {
      // Same names for all: the cursor must break ties on _id.
      for (let i = 0; i < 59; i += 1) await createUser({ name: 'Pat Example', role: 'staff' });
      const allIds = (await UserModel.find({}, { _id: 1 }).lean()).map((u) => u._id.toHexString());
      expect(allIds).to.have.length(60);

      const first = await admin.agent.get('/admin/users').expect(200);
      const page1 = linkedIds(first.text, '/admin/users');
      expect(page1).to.have.length(50);
      expect(first.text).to.contain('Next page');
      const href = nextPageHref(first.text);
      expect(href).to.match(/^\/admin\/users\?after=[A-Za-z0-9_-]+$/);

      const second = await admin.agent.get(href!).expect(200);
      const page2 = linkedIds(second.text, '/admin/users');
      expect(page2).to.have.length(10);
      expect(nextPageHref(second.text)).to.equal(undefined);
      expect(page1.filter((id) => page2.includes(id))).to.deep.equal([]);
      expect([...page1, ...page2].sort()).to.deep.equal([...allIds].sort());
    });

    it('when a filtered list has a next page, then the link keeps the filter', async () => {
      for (let i = 0; i < 52; i += 1) await createUser({ role: 'staff' });
      const first = await admin.agent.get('/admin/users?role=staff').expect(200);
      const href = nextPageHref(first.text);
      expect(href).to.contain('role=staff');
      const second = await admin.agent.get(href!).expect(200);
      const page2 = linkedIds(second.text, '/admin/users');
      expect(page2).to.have.length(2);
      expect(page2).not.to.include(admin.user._id.toHexString());
    });

    it('when the page cursor is tampered with, then the answer is 400, not a server error', async () => {
      await admin.agent.get('/admin/users?after=not-a-cursor').expect(400);
    });
  });

  describe('creating', () => {
    it('when the admin creates a user, then it is stored, the page redirects to it and the audit entry lists the fields but no secret', async () => {
      const res = await admin.post('/admin/users', NEW_USER).expect(302);
      const stored = await UserModel.findOne({ email: 'nok.c@example.test' }).lean();
      expect(stored).to.include({ name: NEW_USER.name, role: 'coordinator', timeZone: 'Asia/Bangkok' });
      expect(res.headers.location).to.equal(`/admin/users/${stored!._id.toHexString()}`);

      const entry = await AuditEntryModel.findOne({
        action: 'user.create',
        entityId: stored!._id.toHexString(),
      }).lean();
      expect(entry?.actor?.toHexString()).to.equal(admin.user._id.toHexString());
      const changed = Object.fromEntries(entry!.changes.map((c) => [c.field, c.after]));
      expect(changed).to.deep.include({
        email: 'nok.c@example.test',
        name: NEW_USER.name,
        role: 'coordinator',
        locale: 'en',
        timeZone: 'Asia/Bangkok',
      });
      const text = JSON.stringify(entry);
      expect(text).not.to.contain(stored!.passwordHash);
      expect(text).not.to.contain('passwordHash');
      expect(text).not.to.contain(NEW_USER.password);

      expect(await loginStatus(NEW_USER.email, NEW_USER.password)).to.equal(302);
    });

    it('when the e-mail already exists in another case, then the form comes back with 422 "already exists" and the values kept', async () => {
      await createUser({ email: 'nok.c@example.test' });
      const res = await admin.post('/admin/users', NEW_USER).expect(422);
      expect(res.text).to.contain('A user with this e-mail address already exists.');
      expect(res.text).to.contain(`value="${NEW_USER.name}"`);
      expect(res.text).not.to.contain(NEW_USER.password);
      expect(await UserModel.countDocuments({ email: 'nok.c@example.test' })).to.equal(1);
    });

    it('when fields are missing or invalid, then every field error shows at once with the values kept and nothing is stored', async () => {
      const res = await admin
        .post('/admin/users', { name: 'Kept Name', email: 'not-an-email', role: 'wizard', password: 'short' })
        .expect(422);
      expect(res.text).to.contain('Please correct the highlighted fields.');
      expect(res.text).to.contain('Enter a valid e-mail address.');
      expect(res.text).to.contain('Choose one of the listed values.');
      expect(res.text).to.contain('Must be at least 12 characters.');
      expect(res.text).to.contain('value="Kept Name"');
      expect(res.text).to.contain('value="not-an-email"');

      const missing = await admin.post('/admin/users', { email: 'someone@example.test' }).expect(422);
      expect(missing.text).to.contain('This field is required.');
      expect(missing.text).to.contain('value="someone@example.test"');

      const unknown = await admin.post('/admin/users', { ...NEW_USER, passwordHash: 'x' }).expect(422);
      expect(unknown.text).to.contain('Please correct the highlighted fields.');
      expect(await UserModel.countDocuments()).to.equal(1);
    });
  });

  describe('editing', () => {
    it('when the admin changes a name and role, then the user is updated and the audit entry holds before and after', async () => {
      const target = await createUser({ role: 'coordinator', name: 'Old Name' });
      const id = target._id.toHexString();
      await admin
        .post(`/admin/users/${id}`, {
          name: 'New Name',
          role: 'manager',
          locale: 'en',
          timeZone: 'Asia/Shanghai',
        })
        .expect(302)
        .expect('Location', `/admin/users/${id}`);

      expect(await UserModel.findById(id).lean()).to.include({ name: 'New Name', role: 'manager' });
      const entry = await AuditEntryModel.findOne({ action: 'user.update', entityId: id }).lean();
      expect(entry?.changes).to.deep.equal([
        { field: 'name', before: 'Old Name', after: 'New Name' },
        { field: 'role', before: 'coordinator', after: 'manager' },
      ]);
    });

    it('when an edit is invalid, then the edit form comes back with 422, the error and the typed values', async () => {
      const target = await createUser({ name: 'Keep Me' });
      const res = await admin
        .post(`/admin/users/${target._id.toHexString()}`, {
          name: 'Typed Name',
          role: 'emperor',
          locale: 'en',
          timeZone: 'Asia/Shanghai',
        })
        .expect(422);
      expect(res.text).to.contain('Choose one of the listed values.');
      expect(res.text).to.contain('value="Typed Name"');
      expect(res.text).to.contain(target.email);
      expect(await UserModel.findById(target._id).lean()).to.include({ name: 'Keep Me' });
    });

    it('when the user does not exist, then edits answer 404', async () => {
      const missing = '0123456789abcdef01234567';
      const form = { name: 'X', role: 'staff', locale: 'en', timeZone: 'Asia/Shanghai' };
      await admin.agent.get(`/admin/users/${missing}`).expect(404);
      await admin.post(`/admin/users/${missing}`, form).expect(404);
      await admin.post(`/admin/users/${missing}`, { ...form, role: 'emperor' }).expect(404);
      await admin.post(`/admin/users/${missing}/disable`).expect(404);
      await admin.post(`/admin/users/${missing}/password`, { password: 'short' }).expect(404);
    });
  });

  describe('disabling and enabling', () => {
    it('when the admin disables a user, then their open session stops working, they cannot sign in, and it is audited', async () => {
      const target = await loginAs(app(), 'coordinator');
      await target.agent.get('/').expect(200);
      const id = target.user._id.toHexString();

      await admin.post(`/admin/users/${id}/disable`).expect(302).expect('Location', `/admin/users/${id}`);

      await target.agent.get('/').expect(302).expect('Location', '/login?next=%2F');
      expect(await loginStatus(target.user.email, target.user.password)).to.equal(401);
      expect((await UserModel.findById(id).lean())?.disabledAt).to.be.instanceOf(Date);
      const entry = await AuditEntryModel.findOne({ action: 'user.disable', entityId: id }).lean();
      expect(entry?.changes.map((c) => c.field)).to.deep.equal(['disabledAt']);
      expect(entry?.changes[0]?.before).to.equal(null);
    });

    it('when the admin enables a disabled user again, then they can sign in and it is audited', async () => {
      const target = await createUser({ disabledAt: new Date() });
      const id = target._id.toHexString();
      expect(await loginStatus(target.email, target.password)).to.equal(401);

      await admin.post(`/admin/users/${id}/enable`).expect(302);

      expect(await loginStatus(target.email, target.password)).to.equal(302);
      expect(await AuditEntryModel.countDocuments({ action: 'user.enable', entityId: id })).to.equal(1);
    });

    it('when the admin tries to disable themself, then it is refused with 409 and they stay active', async () => {
      const res = await admin.post(`/admin/users/${admin.user._id.toHexString()}/disable`).expect(409);
      expect(res.text).to.contain('You cannot disable your own account.');
      expect((await UserModel.findById(admin.user._id).lean())?.disabledAt).to.equal(null);
      await admin.agent.get('/').expect(200);
    });

    it('when the last active admin would be demoted or disabled, then it is refused with 409', async () => {
      // A disabled admin does not count as one who remains.
      await createUser({ role: 'admin', disabledAt: new Date() });
      const self = admin.user._id.toHexString();
      const res = await admin
        .post(`/admin/users/${self}`, {
          name: 'Ada Admin',
          role: 'manager',
          locale: 'en',
          timeZone: 'Asia/Shanghai',
        })
        .expect(409);
      expect(res.text).to.contain('At least one active administrator must remain.');
      expect((await UserModel.findById(self).lean())?.role).to.equal('admin');

      // A script (no signed-in actor) cannot disable the last admin either.
      const err = await setDisabled(self, true, SYSTEM).then(
        () => null,
        (e: unknown) => e as { status?: number; message?: string },
      );
      expect(err).to.include({ status: 409, message: 'users.lastAdmin' });
      expect((await UserModel.findById(self).lean())?.disabledAt).to.equal(null);
    });

    it('when another active admin exists, then an admin may be demoted', async () => {
      const other = await createUser({ role: 'admin' });
      await admin
        .post(`/admin/users/${other._id.toHexString()}`, {
          name: other.name,
          role: 'manager',
          locale: 'en',
          timeZone: 'Asia/Shanghai',
        })
        .expect(302);
      expect((await UserModel.findById(other._id).lean())?.role).to.equal('manager');
    });
  });

  describe('resetting a password', () => {
    it('when the admin sets a new password, then the old one fails, the new one works and open sessions end', async () => {
      const target = await loginAs(app(), 'staff');
      const id = target.user._id.toHexString();
      const newPassword = 'brand new passphrase 77';

      await admin.post(`/admin/users/${id}/password`, { password: newPassword }).expect(302);

      await target.agent.get('/').expect(302);
      expect(await loginStatus(target.user.email, target.user.password)).to.equal(401);
      expect(await loginStatus(target.user.email, newPassword)).to.equal(302);
      const entry = await AuditEntryModel.findOne({ action: 'user.password', entityId: id }).lean();
      expect(entry?.changes).to.deep.equal([{ field: 'password', before: null, after: '[changed]' }]);
      expect(JSON.stringify(entry)).not.to.contain(newPassword);
    });

    it('when the new password is too common, then the form comes back with 422 and the old password still works', async () => {
      const target = await createUser();
      const res = await admin
        .post(`/admin/users/${target._id.toHexString()}/password`, { password: 'password1234' })
        .expect(422);
      expect(res.text).to.contain('This password is too common; choose another.');
      expect(res.text).not.to.contain('password1234');
      expect(await loginStatus(target.email, target.password)).to.equal(302);
    });
  });

  describe('non-admins', () => {
    for (const role of ['coordinator', 'staff'] as const) {
      it(`when a ${role} tries any user administration, then every request is refused with 403 and nothing changes`, async () => {
        const actor = await loginAs(app(), role);
        const target = await createUser({ role: 'staff', name: 'Target User' });
        const id = target._id.toHexString();
        const gets = ['/admin/users', '/admin/users/new', `/admin/users/${id}`];
        for (const url of gets) await actor.agent.get(url).expect(403);
        const posts: [string, Record<string, string>][] = [
          ['/admin/users', { ...NEW_USER, role: 'admin' }],
          [`/admin/users/${id}`, { name: 'Hacked', role: 'admin', locale: 'en', timeZone: 'Asia/Shanghai' }],
          [
            `/admin/users/${actor.user._id.toHexString()}`,
            { name: 'Me', role: 'admin', locale: 'en', timeZone: 'UTC' },
          ],
          [`/admin/users/${id}/disable`, {}],
          [`/admin/users/${id}/enable`, {}],
          [`/admin/users/${id}/password`, { password: 'taken over passphrase' }],
        ];
        for (const [url, form] of posts) {
          const res = await actor.post(url, form);
          expect(res.status, url).to.equal(403);
        }

        expect(await UserModel.findById(target._id).lean()).to.include({
          name: 'Target User',
          role: 'staff',
          disabledAt: null,
        });
        expect((await UserModel.findById(actor.user._id).lean())?.role).to.equal(role);
        expect(await UserModel.countDocuments({ email: 'nok.c@example.test' })).to.equal(0);
        expect(await loginStatus(target.email, target.password)).to.equal(302);
      });
    }

    it('when an anonymous visitor posts a new user, then they are sent to sign in and nothing is stored', async () => {
      const agent = request.agent(app());
      const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
      await agent
        .post('/admin/users')
        .type('form')
        .send({ _csrf: csrf, ...NEW_USER })
        .expect(302)
        .expect('Location', '/login');
      expect(await UserModel.countDocuments({ email: 'nok.c@example.test' })).to.equal(0);
    });
  });

  it('a user created by the admin can sign in with the initial password', async () => {
    await admin.post('/admin/users', NEW_USER).expect(302);
    const agent = await signIn(app(), NEW_USER.email, NEW_USER.password);
    await agent.get('/').expect(200);
  });
});

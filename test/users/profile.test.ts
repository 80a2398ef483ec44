import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, signIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { anonymous } from '../support/pages.js';
import { createUser } from '../factories/user.js';

describe('my profile', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when a user changes their name, language and time zone, then they are saved and audited', async () => {
    const me = await loginAs(app(), 'coordinator', { name: 'Before Name' });
    await me
      .post('/profile', { name: 'After Name', locale: 'en', timeZone: 'Asia/Bangkok' })
      .expect(302)
      .expect('Location', '/profile');

    const stored = await UserModel.findById(me.user._id).lean();
    expect(stored).to.include({ name: 'After Name', locale: 'en', timeZone: 'Asia/Bangkok' });
    const entry = await AuditEntryModel.findOne({
      action: 'user.profile',
      entityId: me.user._id.toHexString(),
    }).lean();
    expect(entry?.actor?.toHexString()).to.equal(me.user._id.toHexString());
    expect(entry?.changes).to.deep.equal([
      { field: 'name', before: 'Before Name', after: 'After Name' },
      { field: 'timeZone', before: 'Asia/Shanghai', after: 'Asia/Bangkok' },
    ]);
    const page = await me.agent.get('/profile').expect(200);
    expect(page.text).to.contain('Your profile is saved.');
    expect(page.text).to.contain('value="After Name"');
  });

  it('when a user switches their language to zh-CN, then pages render in Chinese, also after signing in again', async () => {
    const me = await loginAs(app(), 'coordinator');
    const before = await me.agent.get('/').expect(200);
    expect(before.text).to.contain('<html lang="en">');
    expect(before.text).not.to.contain('合作伙伴');

    await me.post('/profile', { name: me.user.name, locale: 'zh-CN', timeZone: 'Asia/Shanghai' }).expect(302);

    const after = await me.agent.get('/').expect(200);
    expect(after.text).to.contain('<html lang="zh-CN">');
    expect(after.text).to.contain('合作伙伴');
    const again = await signIn(app(), me.user.email, me.user.password);
    expect((await again.get('/').expect(200)).text).to.contain('合作伙伴');
  });

  it('when the profile form is invalid, then it comes back with 422, the error and the typed values, and nothing is saved', async () => {
    const me = await loginAs(app(), 'staff', { name: 'Stays Put' });
    const res = await me
      .post('/profile', { name: 'Typed But Bad', locale: 'xx', timeZone: 'Mars/Olympus_Mons' })
      .expect(422);
    expect(res.text).to.contain('Choose one of the listed values.');
    expect(res.text).to.contain('value="Typed But Bad"');
    expect((await UserModel.findById(me.user._id).lean())?.name).to.equal('Stays Put');
    expect(await AuditEntryModel.countDocuments({ action: 'user.profile' })).to.equal(0);
  });

  describe('changing the password', () => {
    const NEW_PASSWORD = 'quiet harbour morning 9';

    it('when the current password is wrong, then the form comes back with 422 and the password is unchanged', async () => {
      const me = await loginAs(app(), 'staff');
      const res = await me
        .post('/profile/password', { currentPassword: 'not my password', newPassword: NEW_PASSWORD })
        .expect(422);
      expect(res.text).to.contain('The current password is not correct.');
      expect(res.text).not.to.contain(NEW_PASSWORD);
      await signIn(app(), me.user.email, me.user.password);
    });

    it('when the new password is short or common, then the form comes back with 422', async () => {
      const me = await loginAs(app(), 'staff');
      const short = await me
        .post('/profile/password', { currentPassword: me.user.password, newPassword: 'short1' })
        .expect(422);
      expect(short.text).to.contain('Must be at least 12 characters.');
      const common = await me
        .post('/profile/password', { currentPassword: me.user.password, newPassword: 'Password1234' })
        .expect(422);
      expect(common.text).to.contain('This password is too common; choose another.');
      await signIn(app(), me.user.email, me.user.password);
      expect(await AuditEntryModel.countDocuments({ action: 'user.password' })).to.equal(0);
    });

    it('when the current password is right and the new one strong, then only the new one works, this session carries on and others end', async () => {
      const me = await loginAs(app(), 'staff');
      const elsewhere = await signIn(app(), me.user.email, me.user.password);
      await elsewhere.get('/').expect(200);

      await me
        .post('/profile/password', { currentPassword: me.user.password, newPassword: NEW_PASSWORD })
        .expect(302)
        .expect('Location', '/profile');

      const page = await me.agent.get('/profile').expect(200);
      expect(page.text).to.contain('Your password is changed.');
      await elsewhere.get('/').expect(302);
      let oldFailed = false;
      await signIn(app(), me.user.email, me.user.password).catch(() => {
        oldFailed = true;
      });
      expect(oldFailed, 'the old password is refused').to.equal(true);
      await signIn(app(), me.user.email, NEW_PASSWORD);
      expect(await AuditEntryModel.countDocuments({ action: 'user.password' })).to.equal(1);
    });
  });

  describe('switching language without signing in', () => {
    it('when an anonymous visitor picks zh-CN, then the sign-in page turns Chinese and they return to it', async () => {
      await createUser();
      const { agent, csrf } = await anonymous(app());
      await agent
        .post('/locale')
        .type('form')
        .send({ _csrf: csrf, locale: 'zh-CN', next: '/login' })
        .expect(302)
        .expect('Location', '/login');
      const page = await agent.get('/login').expect(200);
      expect(page.text).to.contain('<html lang="zh-CN">');
      expect(page.text).to.contain('请使用管理员为您设置的电子邮箱和密码登录。');
      expect(page.text).not.to.contain('Use the e-mail address and password your administrator gave you.');
    });

    it('when next points off-site, then it is ignored and the visitor goes to /', async () => {
      await createUser();
      const { agent, csrf } = await anonymous(app());
      for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
        await agent
          .post('/locale')
          .type('form')
          .send({ _csrf: csrf, locale: 'en', next })
          .expect(302)
          .expect('Location', '/');
      }
    });

    it('when the language is not offered, then it is refused and the page stays in English', async () => {
      await createUser();
      const { agent, csrf } = await anonymous(app());
      await agent.post('/locale').type('form').send({ _csrf: csrf, locale: 'xx' }).expect(422);
      expect((await agent.get('/login').expect(200)).text).to.contain('<html lang="en">');
    });
  });
});

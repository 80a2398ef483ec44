import { expect } from 'chai';
import request from 'supertest';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { csrfFrom, signIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';

const ADMIN = { name: 'Ada Admin', email: 'Ada.Admin@Example.test', password: 'river stone lantern 42' };

describe('first-run setup', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  async function setupPage() {
    const agent = request.agent(app());
    const page = await agent.get('/setup').expect(200);
    return { agent, page, csrf: csrfFrom(page.text) };
  }

  it('when no user exists, then the sign-in page sends the visitor to /setup', async () => {
    await request(app()).get('/login').expect(302).expect('Location', '/setup');
  });

  it('when no user exists, then /setup shows a form with name, email, password and _csrf', async () => {
    const { page } = await setupPage();
    for (const field of ['name', 'email', 'password', '_csrf']) {
      expect(page.text, field).to.contain(`name="${field}"`);
    }
    expect(page.text).to.contain('action="/setup"');
  });

  it('when the password is too short or too common, then the form comes back with 422, the other values kept and no user made', async () => {
    const { agent, csrf } = await setupPage();
    const cases = [
      { password: 'short pw', message: 'Must be at least 12 characters.' },
      { password: 'password1234', message: 'This password is too common; choose another.' },
    ];
    for (const { password, message } of cases) {
      const res = await agent
        .post('/setup')
        .type('form')
        .send({ _csrf: csrf, name: ADMIN.name, email: ADMIN.email, password })
        .expect(422);
      expect(res.text).to.contain('value="Ada Admin"');
      expect(res.text).to.contain(`value="${ADMIN.email}"`);
      expect(res.text).not.to.contain(password);
      expect(res.text).to.contain(message);
      expect(res.text).to.contain('aria-invalid="true"');
    }
    expect(await UserModel.countDocuments()).to.equal(0);
  });

  it('when the form is valid, then an administrator is created, can sign in and the creation is audited', async () => {
    const { agent, csrf } = await setupPage();
    await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrf, ...ADMIN })
      .expect(302)
      .expect('Location', '/login');

    const stored = await UserModel.findOne({}).lean();
    expect(stored).to.include({ email: 'ada.admin@example.test', name: 'Ada Admin', role: 'admin' });
    expect(stored!.passwordHash).to.match(/^\$argon2id\$/);

    const admin = await signIn(app(), ADMIN.email, ADMIN.password);
    const users = await admin.get('/admin/users').expect(200);
    expect(users.text).to.contain('ada.admin@example.test');

    const created = await AuditEntryModel.findOne({ action: 'user.create' }).lean();
    expect(created?.entityId).to.equal(stored!._id.toHexString());
    expect(JSON.stringify(created)).not.to.contain(stored!.passwordHash);
  });

  it('when an administrator exists, then /setup answers 404 to GET and POST and no second user is made', async () => {
    const first = await setupPage();
    await first.agent
      .post('/setup')
      .type('form')
      .send({ _csrf: first.csrf, ...ADMIN })
      .expect(302);

    const agent = request.agent(app());
    await agent.get('/setup').expect(404);
    const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
    const intruder = { name: 'Mallory', email: 'mallory@example.test', password: 'another long passphrase' };
    await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrf, ...intruder })
      .expect(404);
    // Not even a form re-shown for an invalid body.
    await agent.post('/setup').type('form').send({ _csrf: csrf, name: 'Mallory' }).expect(404);
    // The first visitor's still-open form is closed too.
    await first.agent
      .post('/setup')
      .type('form')
      .send({ _csrf: first.csrf, ...intruder })
      .expect(404);

    expect(await UserModel.countDocuments()).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ action: 'user.create' })).to.equal(1);
  });
});

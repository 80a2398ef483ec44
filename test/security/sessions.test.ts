import { expect } from 'chai';
import request from 'supertest';
import { mongoose } from '../../src/lib/db/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { createUser } from '../factories/user.js';
import { csrfFrom, loginAs, signIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { setCookie } from '../support/pages.js';

/** The stored session id inside a crm.sid cookie value (s:<id>.<signature>). */
function sessionId(cookie: string | undefined): string {
  const value = decodeURIComponent(cookie!.split(';')[0]!.split('=')[1]!);
  return value.slice(2, value.lastIndexOf('.'));
}

const sessions = () => mongoose.connection.db!.collection<{ _id: string }>('sessions');

describe('sessions (beyond test/auth): fixation, stored-session removal, ending every device', () => {
  const { app } = useTestApp();

  it('when a visitor signs in with a session id planted beforehand, then that id is not signed in afterwards (no fixation)', async () => {
    const user = await createUser({ role: 'staff' });
    const page = await request(app()).get('/login').expect(200);
    const planted = setCookie(page, 'crm.sid')!.split(';')[0]!;
    const res = await request(app())
      .post('/login')
      .set('Cookie', planted)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: user.password })
      .expect(302);
    const fresh = setCookie(res, 'crm.sid');
    expect(sessionId(fresh)).not.to.equal(sessionId(planted));
    await request(app()).get('/').set('Cookie', planted).expect(302);
    expect(await sessions().countDocuments({ _id: sessionId(planted) })).to.equal(0);
    await request(app()).get('/').set('Cookie', fresh!.split(';')[0]!).expect(200);
  });

  it('when a user signs out, then the stored session document is deleted, not just emptied', async () => {
    const user = await createUser({ role: 'staff' });
    const agent = await signIn(app(), user.email, user.password);
    const home = await agent.get('/profile').expect(200);
    const stored = await sessions().countDocuments({ 'session.passport.user': user._id.toHexString() });
    expect(stored).to.equal(1);
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) })
      .expect(302);
    expect(await sessions().countDocuments({ 'session.passport.user': user._id.toHexString() })).to.equal(0);
  });

  it('when an admin disables a user signed in on two devices, then both sessions end at once and are removed from the store', async () => {
    const admin = await loginAs(app(), 'admin');
    const user = await createUser({ role: 'coordinator' });
    const laptop = await signIn(app(), user.email, user.password);
    const phone = await signIn(app(), user.email, user.password);
    await laptop.get('/partners').expect(200);
    await phone.get('/partners').expect(200);
    await admin.post(`/admin/users/${user._id.toHexString()}/disable`).expect(302);
    await laptop.get('/partners').expect(302).expect('Location', '/login?next=%2Fpartners');
    await phone.get('/partners').expect(302);
    expect(await sessions().countDocuments({ 'session.passport.user': user._id.toHexString() })).to.equal(0);
  });

  it("when an admin resets a user's password, then the user's existing sessions end (the old password may be leaked)", async () => {
    const admin = await loginAs(app(), 'admin');
    const user = await createUser({ role: 'staff' });
    const device = await signIn(app(), user.email, user.password);
    await device.get('/profile').expect(200);
    await admin
      .post(`/admin/users/${user._id.toHexString()}/password`, { password: 'a brand new passphrase 19' })
      .expect(302);
    await device.get('/profile').expect(302);
    await signIn(app(), user.email, 'a brand new passphrase 19');
  });

  it('when one account signs in from several clients at once, then every sign-in succeeds (no 500 from the throttle upsert race)', async () => {
    const user = await createUser({ role: 'staff' });
    const pages = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const agent = request.agent(app());
        const page = await agent.get('/login').expect(200);
        return { agent, csrf: csrfFrom(page.text) };
      }),
    );
    const statuses = await Promise.all(
      pages.map(
        async ({ agent, csrf }) =>
          (
            await agent
              .post('/login')
              .type('form')
              .send({ _csrf: csrf, email: user.email, password: user.password })
          ).status,
      ),
    );
    expect(statuses).to.deep.equal([302, 302, 302, 302, 302, 302]);
  });

  it('when wrong passwords are tried in parallel, then the lockout still counts every one and locks the account', async () => {
    const user = await createUser({ role: 'staff' });
    const tries = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const agent = request.agent(app());
        const page = await agent.get('/login').expect(200);
        return agent
          .post('/login')
          .type('form')
          .send({ _csrf: csrfFrom(page.text), email: user.email, password: 'wrong guess' });
      }),
    );
    expect(tries.every((r) => r.status === 401 || r.status === 423 || r.status === 429)).to.equal(true);
    const stored = await UserModel.findById(user._id, { lockedUntil: 1 }).lean();
    expect(stored?.lockedUntil, 'locked after 6 parallel failures').to.be.instanceOf(Date);
    expect(stored!.lockedUntil!.getTime()).to.be.greaterThan(Date.now());
  });
});

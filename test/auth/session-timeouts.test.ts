import { expect } from 'chai';
import { mongoose } from '../../src/lib/db/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { anonymous, setCookie } from '../support/pages.js';
import { createUser } from '../factories/user.js';

interface StoredSession {
  _id: string;
  expires: Date;
  session: { passport?: { user?: string }; signedInAt?: number };
}

function sessions() {
  return mongoose.connection.db!.collection<StoredSession>('sessions');
}

async function sessionOf(who: LoggedIn): Promise<StoredSession> {
  const found = await sessions().find({ 'session.passport.user': who.user._id.toHexString() }).toArray();
  expect(found, 'one stored session for the user').to.have.length(1);
  return found[0]!;
}

/** Seconds between the response's Date header and the session cookie's expiry. */
function cookieLifetimeSeconds(cookie: string, date: string): number {
  const maxAge = /;\s*Max-Age=(\d+)/i.exec(cookie);
  if (maxAge) return Number(maxAge[1]);
  const expires = /;\s*Expires=([^;]+)/i.exec(cookie);
  expect(expires, 'the cookie has an expiry').to.not.equal(null);
  return (Date.parse(expires![1]!) - Date.parse(date)) / 1000;
}

describe('session timeouts', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when the stored session has passed its idle expiry, then the next request is treated as signed out', async () => {
    const me = await loginAs(app(), 'staff');
    await me.agent.get('/').expect(200);
    const stored = await sessionOf(me);

    await sessions().updateOne({ _id: stored._id }, { $set: { expires: new Date(Date.now() - 1000) } });

    await me.agent.get('/').expect(302).expect('Location', '/login?next=%2F');
    await me.agent.get('/profile').expect(302).expect('Location', '/login?next=%2Fprofile');
  });

  it('when the session was signed in more than 12 hours ago, then the next page sends to /login?expired=1 and the session is gone', async () => {
    const me = await loginAs(app(), 'staff');
    const stored = await sessionOf(me);
    expect(stored.session.signedInAt).to.be.a('number');

    const thirteenHoursAgo = Date.now() - 13 * 60 * 60_000;
    await sessions().updateOne({ _id: stored._id }, { $set: { 'session.signedInAt': thirteenHoursAgo } });

    const res = await me.agent.get('/profile').expect(302);
    expect(res.headers.location).to.equal('/login?expired=1&next=%2Fprofile');
    expect(await sessions().countDocuments({ 'session.passport.user': me.user._id.toHexString() })).to.equal(
      0,
    );
    const login = await me.agent.get(res.headers.location!).expect(200);
    expect(login.text).to.contain('Your session has ended. Please sign in again.');
    await me.agent.get('/').expect(302).expect('Location', '/login?next=%2F');
  });

  it('when a form is posted on a session past its absolute lifetime, then it is refused and nothing is changed', async () => {
    const me = await loginAs(app(), 'staff', { name: 'Unchanged' });
    const stored = await sessionOf(me);
    await sessions().updateOne(
      { _id: stored._id },
      { $set: { 'session.signedInAt': Date.now() - 13 * 60 * 60_000 } },
    );

    const res = await me.post('/profile', { name: 'Changed', locale: 'en', timeZone: 'UTC' });
    expect(res.status).to.equal(401);
    expect((await UserModel.findById(me.user._id).lean())?.name).to.equal('Unchanged');
  });

  it('when a signed-in session was saved before its start time was stamped, then it keeps working and the clock starts', async () => {
    const me = await loginAs(app(), 'staff');
    const stored = await sessionOf(me);
    await sessions().updateOne({ _id: stored._id }, { $unset: { 'session.signedInAt': '' } });

    const before = Date.now();
    await me.agent.get('/profile').expect(200);
    const after = await sessionOf(me);
    expect(after.session.signedInAt).to.be.a('number').and.to.be.at.least(before);
  });

  it('when a session is 11 hours old and active, then it still works', async () => {
    const me = await loginAs(app(), 'staff');
    const stored = await sessionOf(me);
    await sessions().updateOne(
      { _id: stored._id },
      { $set: { 'session.signedInAt': Date.now() - 11 * 60 * 60_000 } },
    );
    await me.agent.get('/').expect(200);
  });

  it('when a session cookie is set, then it lives about 30 minutes (the idle timeout) and the stored session expires with it', async () => {
    const user = await createUser({ role: 'staff' });
    const { agent, csrf } = await anonymous(app());
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, email: user.email, password: user.password })
      .expect(302);
    const cookie = setCookie(res, 'crm.sid');
    expect(cookie).to.be.a('string');
    expect(cookieLifetimeSeconds(cookie!, String(res.headers.date))).to.be.within(1790, 1800);

    const stored = await sessions().findOne({ 'session.passport.user': user._id.toHexString() });
    const storedLifetime = (stored!.expires.getTime() - Date.parse(String(res.headers.date))) / 1000;
    expect(storedLifetime).to.be.within(1790, 1801);

    // Each response renews the cookie: the 30 minutes count from the last request.
    const later = await agent.get('/').expect(200);
    expect(setCookie(later, 'crm.sid')).to.be.a('string');
  });
});

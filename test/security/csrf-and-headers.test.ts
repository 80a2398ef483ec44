import { expect } from 'chai';
import request from 'supertest';
import { listRoutes } from '../../src/lib/route-table.js';
import { ALL_MOUNTS } from '../../src/routes.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { anonymous, concretePath, linkedIds, setCookie } from '../support/pages.js';

// The JSON API takes no session (bearer tokens only, see test/api), so CSRF does not apply to it.
const POST_ROUTES = listRoutes(ALL_MOUNTS).filter((r) => r.method === 'POST' && !r.path.startsWith('/api/'));

function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

describe('CSRF protection', () => {
  const { app } = useTestApp();
  let admin: LoggedIn;

  before(async () => {
    admin = await loginAs(app(), 'admin');
  });

  it('when a signed-in admin posts to any state-changing route without _csrf, then it is refused with 403 "form expired"', async () => {
    const wrong: string[] = [];
    for (const route of POST_ROUTES) {
      const res = await admin.agent.post(concretePath(route.path)).type('form').send({ name: 'x' });
      if (res.status !== 403 || !res.text.includes('This form has expired')) {
        wrong.push(`POST ${route.path} → ${res.status}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(POST_ROUTES.length).to.be.greaterThan(8);
    // Nothing ran: the admin is still signed in (POST /logout was refused too).
    await admin.agent.get('/').expect(200);
  });

  it('when the token is wrong, in the form or in the X-CSRF-Token header, then every state-changing route answers 403', async () => {
    const wrong: string[] = [];
    const forged = admin.csrf.slice(0, -4) + 'AAAA';
    for (const route of POST_ROUTES) {
      const path = concretePath(route.path);
      const inForm = await admin.agent.post(path).type('form').send({ _csrf: forged });
      const inHeader = await admin.agent.post(path).set('X-CSRF-Token', 'not-the-token').send({});
      if (inForm.status !== 403 || inHeader.status !== 403) {
        wrong.push(`POST ${route.path} → ${inForm.status}/${inHeader.status}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    await admin.agent.get('/').expect(200);
  });

  it("when another session's token is sent, then it is refused with 403", async () => {
    const { csrf: othersToken } = await anonymous(app());
    expect(othersToken).not.to.equal(admin.csrf);
    await admin.agent.post('/logout').type('form').send({ _csrf: othersToken }).expect(403);
    await admin.agent.get('/').expect(200);
  });
});

describe('security headers and hostile input', () => {
  const { app } = useTestApp();
  let admin: LoggedIn;

  before(async () => {
    admin = await loginAs(app(), 'admin');
  });

  it('when any page is served, then the CSP allows only own scripts and no framing, and X-Powered-By is absent', async () => {
    const res = await request(app()).get('/login').expect(200);
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp.get('script-src')).to.deep.equal(["'self'"]);
    expect(csp.get('default-src')).to.deep.equal(["'self'"]);
    expect(csp.get('frame-ancestors')).to.deep.equal(["'none'"]);
    expect(csp.get('object-src')).to.deep.equal(["'none'"]);
    expect(res.headers['content-security-policy']).not.to.contain('unsafe-inline');
    expect(res.headers).not.to.have.property('x-powered-by');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
  });

  it('when a page is rendered, then it carries no inline script', async () => {
    const res = await admin.agent.get('/admin/users').expect(200);
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).to.be.greaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).to.match(/\bsrc="\/[^/]/);
      expect(body!.trim()).to.equal('');
    }
  });

  it('when a session starts, then its cookie is HttpOnly and SameSite=Lax', async () => {
    const res = await request(app()).get('/login').expect(200);
    const cookie = setCookie(res, 'crm.sid');
    expect(cookie).to.be.a('string');
    const attrs = cookie!.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).to.include('httponly');
    expect(attrs).to.include('samesite=lax');
    expect(attrs).to.include('path=/');
  });

  it('when any request is answered, then it carries an X-Request-Id, and a sane incoming one is kept', async () => {
    const fresh = await request(app()).get('/login').expect(200);
    expect(fresh.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    const passed = await request(app()).get('/login').set('X-Request-Id', 'lb-1234.abc').expect(200);
    expect(passed.headers['x-request-id']).to.equal('lb-1234.abc');
    const hostile = await request(app()).get('/login').set('X-Request-Id', 'bad id\twith <tags>').expect(200);
    expect(hostile.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('when query selectors are smuggled into the users list (email[$ne], q[$ne], role[$gt]), then it answers 400', async () => {
    for (const query of ['email[$ne]=x', 'q[$ne]=x', 'role[$gt]=', 'state[$in][]=active']) {
      const res = await admin.agent.get(`/admin/users?${query}`);
      expect(res.status, query).to.equal(400);
      expect(linkedIds(res.text, '/admin/users'), query).to.deep.equal([]);
    }
    const plain = await admin.agent.get('/admin/users?role=admin').expect(200);
    expect(linkedIds(plain.text, '/admin/users')).to.deep.equal([admin.user._id.toHexString()]);
  });

  it('when an unknown URL is asked for, then a 404 page is shown, signed in or not', async () => {
    const anon = await request(app()).get('/no-such-page').expect(404);
    expect(anon.text).to.contain('The page you asked for does not exist.');
    const signed = await admin.agent.get('/admin/no-such-page').expect(404);
    expect(signed.text).to.contain('The page you asked for does not exist.');
    const json = await request(app()).get('/no-such-page').set('Accept', 'application/json').expect(404);
    expect(json.body.error.code).to.equal('not_found');
  });

  it('when an id is not an ObjectId, then the answer is 404, not a server error', async () => {
    const res = await admin.agent.get('/admin/users/not-an-id').expect(404);
    expect(res.text).to.contain('The page you asked for does not exist.');
    await admin.agent.get('/admin/users/0123456789abcdef0123456z').expect(404);
    await admin.post('/admin/users/not-an-id/disable').expect(404);
  });

  it('when a query string value holds a <script>, then the page shows it escaped and never raw', async () => {
    const payload = '<script>alert(1)</script>';
    const list = await admin.agent.get(`/admin/users?q=${encodeURIComponent(payload)}`).expect(200);
    expect(list.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.text).not.to.contain(payload);

    const login = await request(app())
      .get(`/login?next=${encodeURIComponent('/"><script>alert(1)</script>')}`)
      .expect(200);
    expect(login.text).to.contain('name="next" value="/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(login.text).not.to.contain('<script>alert(1)');
  });
});

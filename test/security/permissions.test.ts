import { expect } from 'chai';
import { mayAttempt, ROLES, type Role } from '../../src/lib/permissions.js';
import { listRoutes, type RouteInfo } from '../../src/lib/route-table.js';
import { ALL_MOUNTS } from '../../src/routes.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { anonymous, concretePath } from '../support/pages.js';

const ROUTES = listRoutes(ALL_MOUNTS);
const describeRoute = (r: RouteInfo) => `${r.method} ${r.path}`;

describe('permissions: every route × every role', () => {
  const { app } = useTestApp();
  const agents = new Map<Role, LoggedIn>();

  before(async () => {
    for (const role of ROLES) agents.set(role, await loginAs(app(), role));
  });

  it('when the routes table is walked, then every route has an access rule on its first handler (a route without one fails)', () => {
    const unguarded = ROUTES.filter((r) => r.rule === null).map(describeRoute);
    expect(unguarded, 'routes whose first handler is not an access guard').to.deep.equal([]);
    expect(ROUTES.length).to.be.greaterThan(25);
  });

  it('when an anonymous visitor opens a non-public page, then they are sent to /login with next= the page', async () => {
    const { agent } = await anonymous(app());
    const wrong: string[] = [];
    const gets = ROUTES.filter((r) => r.rule?.kind !== 'public' && r.method === 'GET');
    for (const route of gets) {
      const path = concretePath(route.path);
      const res = await agent.get(path);
      const expected = `/login?next=${encodeURIComponent(path)}`;
      if (res.status !== 302 || res.headers.location !== expected) {
        wrong.push(`${describeRoute(route)} → ${res.status} ${String(res.headers.location)}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(gets.length).to.be.greaterThan(15);
  });

  it('when an anonymous visitor posts to a non-public route with a valid CSRF token, then it is refused with 302 /login or 401', async () => {
    const { agent, csrf } = await anonymous(app());
    const wrong: string[] = [];
    const posts = ROUTES.filter((r) => r.rule?.kind !== 'public' && r.method === 'POST');
    for (const route of posts) {
      const res = await agent.post(concretePath(route.path)).type('form').send({ _csrf: csrf });
      const refused = (res.status === 302 && res.headers.location === '/login') || res.status === 401;
      if (!refused) wrong.push(`${describeRoute(route)} → ${res.status} ${String(res.headers.location)}`);
    }
    expect(wrong).to.deep.equal([]);
    expect(posts.length).to.be.greaterThan(5);
  });

  it('when each role calls each route, then the roles the table denies get 403 and the roles it allows never do', async function () {
    // Routes × roles grows with every feature (about 100 × 5 requests now): allow for it.
    this.timeout(180_000);
    const wrong: string[] = [];
    let pairs = 0;
    for (const route of ROUTES) {
      const rule = route.rule!;
      for (const role of ROLES) {
        // A signed-in-only route may end the session (sign-out): it gets an agent of its own.
        const { agent, post } = rule.kind === 'signedIn' ? await loginAs(app(), role) : agents.get(role)!;
        const path = concretePath(route.path);
        const res = route.method === 'POST' ? await post(path) : await agent.get(path);
        const allowed = rule.kind !== 'action' || mayAttempt({ role }, rule.action);
        if (allowed ? res.status === 403 : res.status !== 403) {
          const action = rule.kind === 'action' ? rule.action : rule.kind;
          wrong.push(`${role} ${describeRoute(route)} (${action}) → ${res.status}`);
        }
        pairs += 1;
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(ROUTES.length, 'routes checked').to.be.greaterThan(25);
    expect(pairs).to.equal(ROUTES.length * ROLES.length);
  });

  it('when a denied role is refused, then the page says so without leaking the page content', async () => {
    const staff = agents.get('staff')!;
    const res = await staff.agent.get('/admin/users').expect(403);
    expect(res.text).to.contain('You do not have permission to see this page.');
    expect(res.text).not.to.contain(agents.get('admin')!.user.email);
  });
});

import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { SYSTEM } from '../../src/modules/audit/index.js';
import { createToken } from '../../src/modules/api/index.js';
import { caseAccess } from '../../src/modules/cases/index.js';
import { ExportJobModel } from '../../src/modules/exports/export-job.model.js';
import { can, canOnRecord, mayAttempt, ROLES, type Action, type Role } from '../../src/lib/permissions.js';
import { listRoutes, type RouteInfo } from '../../src/lib/route-table.js';
import { ALL_MOUNTS } from '../../src/routes.js';
import { createAgreement } from '../factories/agreement.js';
import { createCase } from '../factories/case.js';
import { createContact } from '../factories/contact.js';
import { createDesk } from '../factories/desk.js';
import { createInteraction } from '../factories/interaction.js';
import { createNotification } from '../factories/notification.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';
import { createMarket } from '../factories/target.js';
import { createUser, type TestUser } from '../factories/user.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';

/**
 * The access matrix's row scopes: every route whose permission depends on the record (an action
 * with an `.own` variant, a case page scoped by desk membership, a user's own export, token or
 * notification) is called by every role on an "own" record and on an "other" record, and must be
 * refused (403/404) exactly when the permission table (canOnRecord) or the case scope
 * (caseAccess) says so. The routes come from the route table: a row-scoped route missing from
 * SPECS below fails the first test, so a new one cannot slip past.
 */

type Scope = 'own' | 'other';
type Kind =
  | 'partner'
  | 'contact'
  | 'interaction'
  | 'agreement'
  | 'plaque'
  | 'market'
  | 'case'
  | 'export'
  | 'token'
  | 'notification';

/** A record made for one call: its id and what a valid body needs. */
interface Row {
  id: string;
  version?: number;
  stage?: string;
  deskId?: Types.ObjectId;
  otherDesk?: string;
  partner?: string;
}

// Form fields for pages; API bodies may nest (actuals' months).
type Body = Record<string, string | string[] | Record<string, number>>;

interface Spec {
  kind: Kind;
  body?: (row: Row, actor: TestUser) => Body;
  /**
   * The route names a second record that the matrix does not make (an attachment): an allowed
   * call may answer 404 for it, so only "never 403 when allowed" and "never 2xx when denied" hold.
   */
  lenient?: boolean;
}

const PARTNER_FORM: Body = { name: 'Scope Travel', type: 'airline', country: 'TH', confirmDuplicate: '1' };
const CONTACT_FORM: Body = { name: 'Somchai' };
const INTERACTION_FORM: Body = { kind: 'call', summary: 'Scope check' };
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
// One market per ordered pair: each call gets a pair of its own.
// prettier-ignore
const COUNTRIES = [
  'TH', 'VN', 'MY', 'SG', 'ID', 'PH', 'KH', 'LA', 'MM', 'BN', 'JP', 'KR', 'IN', 'AU', 'FR',
  'GB', 'DE', 'US', 'NZ', 'CA', 'IT', 'ES', 'NL', 'AE', 'RU',
];
let pairs = 0;
function nextPair(): { origin: string; destination: string } {
  const c = COUNTRIES[pairs % COUNTRIES.length]!;
  const inbound = Math.floor(pairs / COUNTRIES.length) % 2 === 0;
  pairs += 1;
  return inbound ? { origin: c, destination: 'CN-CQ' } : { origin: 'CN-CQ', destination: c };
}
const caseBody = (extra: Body) => (row: Row) => ({ version: String(row.version), ...extra });

/** Every row-scoped route, keyed `METHOD path` as the route table lists it. */
const SPECS: Record<string, Spec> = {
  // Partners: coordinators edit and archive partners they own.
  'GET /partners/:id/edit': { kind: 'partner' },
  'POST /partners/:id': { kind: 'partner', body: () => PARTNER_FORM },
  'POST /partners/:id/archive': { kind: 'partner' },
  'POST /partners/:id/unarchive': { kind: 'partner' },
  'PUT /api/v1/partners/:id': { kind: 'partner', body: () => PARTNER_FORM },
  // Contacts: written by those who own the partner.
  'GET /partners/:id/contacts/new': { kind: 'partner' },
  'POST /partners/:id/contacts': { kind: 'partner', body: () => CONTACT_FORM },
  'POST /api/v1/contacts': { kind: 'partner', body: (row) => ({ ...CONTACT_FORM, partner: row.id }) },
  'GET /contacts/:id/edit': { kind: 'contact' },
  'POST /contacts/:id': { kind: 'contact', body: () => CONTACT_FORM },
  'POST /contacts/:id/primary': { kind: 'contact', body: () => ({ returnTo: 'contact' }) },
  'POST /contacts/:id/archive': { kind: 'contact' },
  'PUT /api/v1/contacts/:id': { kind: 'contact', body: () => CONTACT_FORM },
  // Interactions and their follow-ups: by their author (and follow-up assignee).
  'GET /interactions/:id/edit': { kind: 'interaction' },
  'POST /interactions/:id': { kind: 'interaction', body: () => INTERACTION_FORM },
  'POST /interactions/:id/delete': { kind: 'interaction' },
  'PUT /api/v1/interactions/:id': { kind: 'interaction', body: () => INTERACTION_FORM },
  'POST /follow-ups/:id/done': { kind: 'interaction' },
  'POST /follow-ups/:id/reschedule': { kind: 'interaction', body: () => ({ followUpAt: tomorrow() }) },
  // Agreements: by their owner.
  'GET /agreements/:id/edit': { kind: 'agreement' },
  'POST /agreements/:id': { kind: 'agreement', body: () => ({ title: 'Scope MoU', category: 'mou' }) },
  'GET /agreements/:id/stage': { kind: 'agreement' },
  'POST /agreements/:id/stage': {
    kind: 'agreement',
    body: (row) => ({ to: 'negotiation', fromStage: row.stage!, version: String(row.version) }),
  },
  'POST /agreements/:id/renew': { kind: 'agreement' },
  'POST /agreements/:id/attachments': { kind: 'agreement' },
  'POST /agreements/:id/attachments/:fileId/delete': { kind: 'agreement', lenient: true },
  'PUT /api/v1/agreements/:id': { kind: 'agreement', body: () => ({ title: 'Scope MoU', category: 'mou' }) },
  'POST /api/v1/agreements/:id/stage': {
    kind: 'agreement',
    body: (row) => ({ to: 'negotiation', fromStage: row.stage!, version: String(row.version) }),
  },
  // Plaques: revoked by whoever awarded them.
  'POST /plaques/:id/revoke': { kind: 'plaque', body: () => ({ reason: 'Scope check' }) },
  'POST /api/v1/plaques/:id/revoke': { kind: 'plaque', body: () => ({ reason: 'Scope check' }) },
  // Doubling-plan actuals: coordinators on markets they own.
  'GET /targets/:id/actuals': { kind: 'market' },
  'POST /targets/:id/actuals': { kind: 'market', body: () => ({ year: '2025', m1: '100' }) },
  'GET /api/v1/targets/:id/actuals': { kind: 'market' },
  'PUT /api/v1/targets/:id/actuals': { kind: 'market', body: () => ({ year: '2025', months: { 1: 100 } }) },
  // Cases: officers read and work their desks' cases; managers and admins all.
  'GET /cases/:id': { kind: 'case' },
  'GET /cases/:id/attachments/:fileId': { kind: 'case', lenient: true },
  'POST /cases/:id/acknowledge': { kind: 'case', body: caseBody({}) },
  'POST /cases/:id/assign': {
    kind: 'case',
    body: (row, actor) => ({ version: String(row.version), assignee: actor._id.toHexString() }),
  },
  'POST /cases/:id/status': { kind: 'case', body: caseBody({ status: 'triaged' }) },
  'POST /cases/:id/notes': { kind: 'case', body: caseBody({ note: 'Scope check', visibility: 'internal' }) },
  'POST /cases/:id/partners': {
    kind: 'case',
    body: (row) => ({ version: String(row.version), partners: [row.partner!] }),
  },
  'POST /cases/:id/priority': { kind: 'case', body: caseBody({ priority: 'high' }) },
  'POST /cases/:id/resolve': {
    kind: 'case',
    body: caseBody({ resolutionCode: 'apology', resolutionText: 'Scope check' }),
  },
  'POST /cases/:id/close': { kind: 'case', body: caseBody({}) },
  'POST /cases/:id/reopen': { kind: 'case', body: caseBody({ reason: 'Scope check' }) },
  'POST /cases/:id/transfer': {
    kind: 'case',
    body: (row) => ({ version: String(row.version), toDesk: row.otherDesk!, transferNote: 'Scope check' }),
  },
  // The same case actions through the API.
  'GET /api/v1/cases/:id': { kind: 'case' },
  'POST /api/v1/cases/:id/acknowledge': { kind: 'case', body: caseBody({}) },
  'POST /api/v1/cases/:id/assign': {
    kind: 'case',
    body: (row, actor) => ({ version: String(row.version), assignee: actor._id.toHexString() }),
  },
  'POST /api/v1/cases/:id/status': { kind: 'case', body: caseBody({ status: 'triaged' }) },
  'POST /api/v1/cases/:id/notes': {
    kind: 'case',
    body: caseBody({ note: 'Scope check', visibility: 'internal' }),
  },
  'POST /api/v1/cases/:id/partners': {
    kind: 'case',
    body: (row) => ({ version: String(row.version), partners: [row.partner!] }),
  },
  'POST /api/v1/cases/:id/priority': { kind: 'case', body: caseBody({ priority: 'high' }) },
  'POST /api/v1/cases/:id/resolve': {
    kind: 'case',
    body: caseBody({ resolutionCode: 'apology', resolutionText: 'Scope check' }),
  },
  'POST /api/v1/cases/:id/close': { kind: 'case', body: caseBody({}) },
  'POST /api/v1/cases/:id/reopen': { kind: 'case', body: caseBody({ reason: 'Scope check' }) },
  'POST /api/v1/cases/:id/transfer': {
    kind: 'case',
    body: (row) => ({ version: String(row.version), toDesk: row.otherDesk!, transferNote: 'Scope check' }),
  },
  // A user's own things: exports, API tokens, notifications.
  'GET /exports/:id': { kind: 'export' },
  'GET /exports/:id/download': { kind: 'export', lenient: true },
  'POST /profile/tokens/:id/revoke': { kind: 'token' },
  'POST /notifications/:id/read': { kind: 'notification' },
};

/** Actions whose records belong to one user, whatever the role. */
const PERSONAL: readonly Action[] = ['exports.use', 'profile.manage', 'notifications.read'];

const ownScoped = (a: Action) => ROLES.some((role) => mayAttempt({ role }, a) && !can({ role }, a));
const actionOf = (r: RouteInfo) => (r.rule?.kind === 'action' ? r.rule.action : null);
const key = (r: RouteInfo) => `${r.method} ${r.path}`;

function rowScoped(r: RouteInfo): boolean {
  const a = actionOf(r);
  if (!a) return false;
  if (ownScoped(a)) return true;
  return r.path.includes(':id') && (a.startsWith('cases.') || PERSONAL.includes(a));
}

const ROUTES = listRoutes(ALL_MOUNTS);
const SCOPED = ROUTES.filter(rowScoped);

describe('permissions: row scopes (own and other records) for every role', () => {
  const { app } = useTestApp();
  const actors = new Map<Role, LoggedIn & { token: string }>();
  let other: TestUser;

  before(async function () {
    this.timeout(60_000);
    other = await createUser({ role: 'manager' });
    for (const role of ROLES) {
      const logged = await loginAs(app(), role);
      const { token } = await createToken(logged.user, 'row scope walk', SYSTEM);
      actors.set(role, { ...logged, token });
    }
  });

  /** A fresh record of the kind, the actor's ("own") or another user's ("other"). */
  async function makeRow(kind: Kind, scope: Scope, actor: TestUser): Promise<Row> {
    const owner = scope === 'own' ? actor._id : other._id;
    switch (kind) {
      case 'partner':
        return { id: (await createPartner({ owner }))._id.toHexString() };
      case 'contact': {
        const partner = await createPartner({ owner });
        return { id: (await createContact({ partner }))._id.toHexString() };
      }
      case 'interaction': {
        const partner = await createPartner();
        const doc = await createInteraction({
          partner,
          by: owner,
          followUpAt: new Date(Date.now() + 3_600_000),
          followUpAssignee: owner,
        });
        return { id: doc._id.toHexString() };
      }
      case 'agreement': {
        const a = await createAgreement({ owner, stage: 'lead' });
        return { id: a._id.toHexString(), version: a.stageVersion, stage: a.stage };
      }
      case 'plaque':
        return { id: (await createPlaque({ awardedBy: owner }))._id.toHexString() };
      case 'market':
        return { id: (await createMarket({ owner, ...nextPair() }))._id.toHexString() };
      case 'case': {
        // "Own": a case on a desk the actor is a member of, logged by someone else.
        const desk = await createDesk(scope === 'own' ? { members: [actor] } : {});
        const partner = await createPartner();
        const c = await createCase({ desk, loggedBy: other._id });
        const otherDesk = await createDesk();
        return {
          id: c._id.toHexString(),
          version: c.version,
          deskId: desk._id,
          otherDesk: otherDesk._id.toHexString(),
          partner: partner._id.toHexString(),
        };
      }
      case 'export': {
        const job = await ExportJobModel.create({ user: owner, entity: 'partners', format: 'csv' });
        return { id: job._id.toHexString() };
      }
      case 'token':
        return { id: (await createToken({ _id: owner }, 'scoped', SYSTEM)).row._id.toHexString() };
      case 'notification':
        return { id: (await createNotification(owner))._id.toHexString() };
    }
  }

  /** What the permission table and the case scope say this role may do on this record. */
  function allowed(
    route: RouteInfo,
    spec: Spec,
    role: Role,
    scope: Scope,
    actor: TestUser,
    row: Row,
  ): boolean {
    const action = actionOf(route)!;
    if (!mayAttempt({ role }, action)) return false;
    const owner = scope === 'own' ? actor._id : other._id;
    switch (spec.kind) {
      case 'case': {
        const access = caseAccess(
          { _id: actor._id, role, desks: scope === 'own' ? [row.deskId!] : [] } as Parameters<
            typeof caseAccess
          >[0],
          { desk: row.deskId!, pastDesks: [], loggedBy: other._id },
        );
        return action === 'cases.work' ? access.work : access.read;
      }
      case 'export':
        // export-jobs.service: "for its requester or an admin".
        return scope === 'own' || role === 'admin';
      case 'token':
      case 'notification':
        return scope === 'own';
      default:
        return canOnRecord({ _id: actor._id, role }, action, owner);
    }
  }

  function call(route: RouteInfo, role: Role, path: string, body: Body | undefined) {
    const actor = actors.get(role)!;
    if (route.path.startsWith('/api/')) {
      const method = route.method.toLowerCase() as 'post' | 'put' | 'get';
      return request(app())
        [method](path)
        .set('Authorization', `Bearer ${actor.token}`)
        .send(body ?? {});
    }
    return route.method === 'GET'
      ? actor.agent.get(path)
      : actor.post(path, (body ?? {}) as Record<string, string | string[]>);
  }

  it('when the route table is walked, then every row-scoped route is known to the matrix and the matrix names no route that is gone', () => {
    const unknown = SCOPED.map(key).filter((k) => !SPECS[k]);
    expect(unknown, 'row-scoped routes the matrix does not know: add them to SPECS').to.deep.equal([]);
    const routes = new Set(ROUTES.map(key));
    expect(
      Object.keys(SPECS).filter((k) => !routes.has(k)),
      'SPECS entries without a route',
    ).to.deep.equal([]);
    expect(SCOPED.length).to.be.greaterThan(30);
  });

  it('when each role calls each row-scoped route on its own record and on another user’s, then it is refused (403/404) exactly where the permission table and case scope say, and never answers 5xx', async function () {
    this.timeout(600_000);
    const wrong: string[] = [];
    let checks = 0;
    const allowedStatuses: Record<number, number> = {};
    const refusedStatuses: Record<number, number> = {};
    for (const route of SCOPED) {
      const spec = SPECS[key(route)]!;
      for (const role of ROLES) {
        const actor = actors.get(role)!.user;
        for (const scope of ['own', 'other'] as const) {
          const row = await makeRow(spec.kind, scope, actor);
          const path = route.path
            .replace(':id', row.id)
            .replace(/:[A-Za-z]+Id\b/, new Types.ObjectId().toHexString());
          const res = await call(route, role, path, spec.body?.(row, actor));
          const may = allowed(route, spec, role, scope, actor, row);
          const refused = res.status === 403 || res.status === 404;
          const ok =
            res.status >= 500 ? false : spec.lenient ? (may ? res.status !== 403 : refused) : may !== refused;
          if (!ok)
            wrong.push(
              `${role} ${scope} ${key(route)} → ${res.status} (expected ${may ? 'allowed' : '403/404'})`,
            );
          checks += 1;
          const tally = may ? allowedStatuses : refusedStatuses;
          tally[res.status] = (tally[res.status] ?? 0) + 1;
        }
      }
    }
    console.log(
      `      row scopes: ${SCOPED.length} routes × ${ROLES.length} roles × 2 scopes = ${checks} calls checked; ` +
        `allowed answered ${JSON.stringify(allowedStatuses)}, refused ${JSON.stringify(refusedStatuses)}`,
    );
    expect(wrong).to.deep.equal([]);
    expect(checks).to.equal(SCOPED.length * ROLES.length * 2);
  });
});

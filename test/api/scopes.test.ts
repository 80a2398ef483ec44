import { expect } from 'chai';
import type { Types } from 'mongoose';
import { ROLES, type Role } from '../../src/lib/permissions.js';
import { createAgreement } from '../factories/agreement.js';
import { createCase } from '../factories/case.js';
import { createContact } from '../factories/contact.js';
import { createDesk } from '../factories/desk.js';
import { createEvent } from '../factories/event.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';
import { createMarket } from '../factories/target.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { apiFor, type ApiClient } from '../support/api-client.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds } from '../support/pages.js';

const hex = (id: Types.ObjectId) => id.toHexString();
const sorted = (list: string[]) => [...new Set(list)].sort();

interface Resource {
  name: string;
  /** Lists to compare: HTML path and API path are the same below /api/v1. */
  lists: string[];
  /** Records whose pages are compared (filled by the fixture). */
  records: string[];
}

/**
 * For every resource and role, the HTML side and the API answer the same: a list shows the same
 * rows (or both are 403), a record page is 200/403/404 on both. The fixture gives each role some
 * rows it may see and some it may not (coordinator ownership, desks, past desks, logged cases).
 */
describe('JSON API: scopes equal the HTML pages for every resource × role', () => {
  const { app } = useTestApp();
  const pages = new Map<Role, LoggedIn>();
  const apis = new Map<Role, ApiClient>();
  const resources: Resource[] = [];
  const caseFacts = {
    complainant: 'Zhang Min Restricted',
    internal: 'Internal only: VIP guest',
    external: 'Shared: refund offered',
  };
  let actualsPaths: string[] = [];

  before(async function () {
    this.timeout(60_000);
    await clearDatabase();
    for (const role of ROLES) {
      const agent = await loginAs(app(), role);
      pages.set(role, agent);
      apis.set(role, await apiFor(app(), agent.user));
    }
    const coordinator = pages.get('coordinator')!.user;
    const manager = pages.get('manager')!.user;
    const officer = pages.get('complaint_officer')!.user;

    const p1 = await createPartner({ name: 'Owned Travel', owner: coordinator._id, country: 'TH' });
    const p2 = await createPartner({ name: 'Other Travel', country: 'VN', type: 'university' });
    const p3 = await createPartner({ name: 'Archived Travel', archivedAt: new Date() });
    const c1 = await createContact({ partner: p1, name: 'Somchai' });
    const c2 = await createContact({ partner: p2, name: 'Linh' });
    const i1 = await createInteraction({ partner: p1, by: coordinator._id });
    const i2 = await createInteraction({ partner: p2, by: manager._id, kind: 'email' as never });
    const e1 = await createEvent({ name: 'Future fair', startsAt: '2099-05-01' });
    const e2 = await createEvent({ name: 'Past fair', startsAt: '2020-05-01' });
    const pl1 = await createPlaque({ partner: p2._id, awardedBy: coordinator._id });
    const pl2 = await createPlaque();
    const a1 = await createAgreement({ owner: coordinator._id, partners: [p1] });
    const a2 = await createAgreement({ partners: [p2], stage: 'negotiation' });
    const a3 = await createAgreement({ partners: [p2], stage: 'withdrawn' });

    const deskA = await createDesk({ name: 'Desk A', isDefault: true, members: [officer] });
    const deskB = await createDesk({ name: 'Desk B' });
    const k1 = await createCase({
      desk: deskA,
      loggedBy: officer._id,
      assignee: officer._id,
      status: 'assigned',
    });
    const k2 = await createCase({ desk: deskB, loggedBy: manager._id });
    const k3 = await createCase({ desk: deskB, loggedBy: coordinator._id });
    const k4 = await createCase({ desk: deskB, loggedBy: manager._id, pastDesks: [deskA._id] });
    const now = new Date();
    const k5 = await createCase({
      desk: deskA,
      loggedBy: coordinator._id,
      complainantName: caseFacts.complainant,
      extra: {
        timeline: [
          { at: now, by: coordinator._id, kind: 'created', meta: { channel: 'phone' } },
          { at: now, by: officer._id, kind: 'note', visibility: 'internal', text: caseFacts.internal },
          { at: now, by: officer._id, kind: 'note', visibility: 'external', text: caseFacts.external },
        ],
      },
    });

    const m1 = await createMarket({ origin: 'TH', destination: 'CN-CQ', owner: coordinator._id });
    const m2 = await createMarket({ origin: 'CN-CQ', destination: 'TH' });
    const m3 = await createMarket({ origin: 'VN', destination: 'CN-CQ' });
    actualsPaths = [m1, m2].map((m) => `/targets/${hex(m._id)}/actuals?year=2025`);

    const none = '0'.repeat(24);
    const ids = (list: { _id: Types.ObjectId }[]) => [...list.map((r) => hex(r._id)), none];
    resources.push(
      {
        name: 'partners',
        lists: ['/partners', '/partners?country=TH', '/partners?archived=all'],
        records: ids([p1, p2, p3]),
      },
      { name: 'contacts', lists: ['/contacts', `/contacts?partner=${hex(p1._id)}`], records: ids([c1, c2]) },
      {
        name: 'interactions',
        lists: ['/interactions', `/interactions?partner=${hex(p2._id)}`],
        records: ids([i1, i2]),
      },
      { name: 'events', lists: ['/events', '/events?when=past'], records: ids([e1, e2]) },
      { name: 'plaques', lists: ['/plaques'], records: ids([pl1, pl2]) },
      {
        name: 'agreements',
        lists: ['/agreements', '/agreements?stage=open', '/agreements?owner=mine', '/agreements?country=VN'],
        records: ids([a1, a2, a3]),
      },
      {
        name: 'cases',
        lists: [
          '/cases',
          ...['mine', 'desks', 'all', 'logged'].map((s) => `/cases?scope=${s}`),
          '/cases?status=assigned',
          `/cases?desk=${hex(deskB._id)}`,
        ],
        records: ids([k1, k2, k3, k4, k5]),
      },
      { name: 'targets', lists: ['/targets'], records: ids([m1, m2, m3]) },
    );
  });

  it('when each role opens each list, then the HTML page and the API show the same rows, or both refuse', async function () {
    this.timeout(120_000);
    const wrong: string[] = [];
    const seen = new Map<string, number>();
    for (const r of resources) {
      for (const role of ROLES) {
        for (const path of r.lists) {
          const html = await pages.get(role)!.agent.get(path);
          const api = await apis.get(role)!.get(path);
          if (html.status !== api.status) {
            wrong.push(`${role} ${path}: HTML ${html.status}, API ${api.status}`);
            continue;
          }
          if (html.status !== 200) continue;
          const fromPage = sorted(linkedIds(html.text, `/${r.name}`));
          const fromApi = sorted((api.body.data as { id: string }[]).map((d) => d.id));
          if (JSON.stringify(fromPage) !== JSON.stringify(fromApi))
            wrong.push(`${role} ${path}: HTML ${fromPage.join(',')} ≠ API ${fromApi.join(',')}`);
          seen.set(r.name, (seen.get(r.name) ?? 0) + fromApi.length);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
    // Not vacuous: every resource listed rows for some role.
    for (const r of resources) expect(seen.get(r.name) ?? 0, r.name).to.be.greaterThan(0);
  });

  it('when each role opens each record (and one that does not exist), then the page and the API answer with the same status', async function () {
    this.timeout(120_000);
    const wrong: string[] = [];
    const statuses = new Set<number>();
    for (const r of resources) {
      for (const role of ROLES) {
        for (const id of r.records) {
          const path = `/${r.name}/${id}`;
          const html = await pages.get(role)!.agent.get(path);
          const api = await apis.get(role)!.get(path);
          statuses.add(api.status);
          if (html.status !== api.status)
            wrong.push(`${role} ${path}: HTML ${html.status}, API ${api.status}`);
        }
      }
    }
    for (const role of ROLES) {
      for (const path of actualsPaths) {
        const html = await pages.get(role)!.agent.get(path);
        const api = await apis.get(role)!.get(path);
        if (html.status !== api.status) wrong.push(`${role} ${path}: HTML ${html.status}, API ${api.status}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect([...statuses].sort()).to.deep.equal([200, 403, 404]);
  });

  it('when each role reads a case, then the API redacts the complainant and internal notes exactly where the page does', async () => {
    const cases = resources.find((r) => r.name === 'cases')!;
    const k5 = cases.records[4]!;
    const checked: string[] = [];
    for (const role of ROLES) {
      const html = await pages.get(role)!.agent.get(`/cases/${k5}`);
      const api = await apis.get(role)!.get(`/cases/${k5}`);
      expect(api.status, role).to.equal(html.status);
      if (html.status !== 200) continue;
      const body = JSON.stringify(api.body.data);
      for (const text of Object.values(caseFacts)) {
        expect(body.includes(text), `${role}: ${text}`).to.equal(html.text.includes(text));
      }
      expect(api.body.data.complainant === null, role).to.equal(!html.text.includes(caseFacts.complainant));
      checked.push(`${role}:${html.text.includes(caseFacts.complainant) ? 'full' : 'redacted'}`);
    }
    // The fixture covers both sides: the coordinator who logged it is redacted, the desk is not.
    expect(checked).to.include.members(['coordinator:redacted', 'complaint_officer:full', 'manager:full']);
  });
});

import { expect } from 'chai';
import type { Types } from 'mongoose';
import {
  deskLeads,
  deskMemberIds,
  desksOfUser,
  registerOpenCaseCounter,
  routeCase,
  type CaseFacts,
} from '../../src/modules/desks/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createDesk, createRule } from '../factories/desk.js';
import { createUser } from '../factories/user.js';

const FACTS: CaseFacts = {
  incidentCountry: 'TH',
  originCountry: 'CN',
  category: 'forced_shopping',
  partnerTypes: ['travel_agency'],
};

describe('routing a case', () => {
  useTestApp();
  // Tests swap in stub counters; the cases module's own counter is put back after each.
  let registered: ReturnType<typeof registerOpenCaseCounter> = null;
  beforeEach(async () => {
    await clearDatabase();
    registered = registerOpenCaseCounter(null);
    registerOpenCaseCounter(registered);
  });
  afterEach(() => registerOpenCaseCounter(registered));

  it('when several enabled rules match, then the first in order wins and names itself', async () => {
    const fallback = await createDesk({ name: 'Chongqing desk', isDefault: true });
    const thailand = await createDesk({ name: 'Thailand desk' });
    await createRule(fallback, { name: 'Vietnam incidents', incidentCountry: ['VN'] });
    const first = await createRule(thailand, { name: 'Thailand incidents', incidentCountry: ['TH'] });
    await createRule(fallback, { name: 'Shopping anywhere', category: ['forced_shopping'] });

    const route = await routeCase(FACTS);
    expect(route.desk.name).to.equal('Thailand desk');
    expect(route.rule?.name).to.equal('Thailand incidents');
    expect(String(route.rule?._id)).to.equal(first._id.toHexString());
    expect(route.assignee).to.equal(null);
  });

  it('when a rule is moved below another matching rule, then the other one wins', async () => {
    const a = await createDesk({ name: 'Desk A', isDefault: true });
    const b = await createDesk({ name: 'Desk B' });
    await createRule(a, { name: 'A', position: 2, category: ['forced_shopping'] });
    await createRule(b, { name: 'B', position: 1, originCountry: ['CN'] });
    expect((await routeCase(FACTS)).rule?.name).to.equal('B');
  });

  it('when no enabled rule matches, then the default desk takes the case unassigned', async () => {
    const fallback = await createDesk({ name: 'Chongqing desk', isDefault: true });
    const other = await createDesk({ name: 'Vietnam desk' });
    await createRule(other, { name: 'Vietnam', incidentCountry: ['VN'] });
    await createRule(other, { name: 'Off', enabled: false });
    await createRule(other, { name: 'Hotels only', partnerType: ['hotel'], assignment: 'least_open' });
    const route = await routeCase(FACTS);
    expect(route.desk._id.toHexString()).to.equal(fallback._id.toHexString());
    expect(route.rule).to.equal(null);
    expect(route.assignee).to.equal(null);
  });

  it('when a rule lists several values, then any of them matches; a partner type matches if any involved partner has it', async () => {
    await createDesk({ isDefault: true });
    const desk = await createDesk({ name: 'SEA desk' });
    await createRule(desk, {
      name: 'SEA',
      incidentCountry: ['VN', 'TH', 'SG'],
      partnerType: ['hotel', 'travel_agency'],
    });
    expect((await routeCase({ ...FACTS, partnerTypes: ['airline', 'travel_agency'] })).rule?.name).to.equal(
      'SEA',
    );
    expect((await routeCase({ ...FACTS, partnerTypes: [] })).rule).to.equal(null);
  });

  it('when the matching rule’s desk is archived, then the rule is skipped', async () => {
    await createDesk({ name: 'Default', isDefault: true });
    const gone = await createDesk({ name: 'Old desk', archivedAt: new Date() });
    const live = await createDesk({ name: 'Live desk' });
    await createRule(gone, { name: 'Old' });
    await createRule(live, { name: 'Live' });
    expect((await routeCase(FACTS)).desk.name).to.equal('Live desk');
  });

  it('when no rule matches and there is no default desk, then routing refuses with a conflict', async () => {
    await createDesk({ name: 'Not default' });
    let error: unknown;
    await routeCase(FACTS).catch((e: unknown) => (error = e));
    expect(error).to.have.property('status', 409);
  });

  it('when the rule assigns least-open, then the desk’s active officer with fewest open cases gets it (stub counter)', async () => {
    await createDesk({ isDefault: true });
    const busy = await createUser({ role: 'complaint_officer', name: 'Busy Officer' });
    const idle = await createUser({ role: 'complaint_officer', name: 'Idle Officer' });
    const off = await createUser({ role: 'complaint_officer', name: 'Away Officer', disabledAt: new Date() });
    const lead = await createUser({ role: 'manager', name: 'Lead Manager' });
    const desk = await createDesk({
      name: 'Thailand desk',
      members: [busy, idle, off, lead],
      lead: lead._id,
    });
    await createRule(desk, { name: 'TH', incidentCountry: ['TH'], assignment: 'least_open' });

    const asked: { desk: string; users: string[] }[] = [];
    registerOpenCaseCounter(async (deskId: Types.ObjectId, userIds: Types.ObjectId[]) => {
      asked.push({ desk: deskId.toHexString(), users: userIds.map(String).sort() });
      return new Map([
        [busy._id.toHexString(), 5],
        [idle._id.toHexString(), 1],
        [off._id.toHexString(), 0],
        [lead._id.toHexString(), 0],
      ]);
    });
    const route = await routeCase(FACTS);
    expect(String(route.assignee)).to.equal(idle._id.toHexString());
    expect(asked).to.deep.equal([
      { desk: desk._id.toHexString(), users: [busy._id.toHexString(), idle._id.toHexString()].sort() },
    ]);

    // Ties go by name; officers the counter does not mention count zero.
    registerOpenCaseCounter(async () => new Map([[busy._id.toHexString(), 0]]));
    expect(String((await routeCase(FACTS)).assignee)).to.equal(busy._id.toHexString());
  });

  it('when the least-open desk has no active complaint officer, then the case stays unassigned', async () => {
    await createDesk({ isDefault: true });
    const manager = await createUser({ role: 'manager' });
    const desk = await createDesk({ members: [manager] });
    await createRule(desk, { name: 'All', assignment: 'least_open' });
    const route = await routeCase(FACTS);
    expect(route.desk._id.toHexString()).to.equal(desk._id.toHexString());
    expect(route.assignee).to.equal(null);
  });

  it('when asked about membership, then members, a user’s live desks and desk leads come back', async () => {
    const lead = await createUser({ role: 'complaint_officer' });
    const member = await createUser({ role: 'complaint_officer' });
    const gone = await createUser({ role: 'complaint_officer', disabledAt: new Date() });
    const a = await createDesk({ name: 'A desk', members: [lead, member, gone], lead: lead._id });
    const b = await createDesk({ name: 'B desk', members: [member] });
    await createDesk({ name: 'C desk', members: [member], archivedAt: new Date() });

    expect((await deskMemberIds(a._id)).map(String).sort()).to.deep.equal(
      [lead._id, member._id].map(String).sort(),
    );
    expect((await desksOfUser(member)).map((d) => d.name)).to.deep.equal(['A desk', 'B desk']);
    expect((await deskLeads([a._id, b._id])).map(String)).to.deep.equal([lead._id.toHexString()]);
  });
});

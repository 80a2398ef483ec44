import { expect } from 'chai';
import { Types } from 'mongoose';
import { config } from '../../src/config/index.js';
import { toLocalDay } from '../../src/lib/local-time.js';
import type { Desk } from '../../src/modules/desks/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { linkedIds, nextPageHref } from '../support/pages.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createPartner } from '../factories/partner.js';

const HOUR = 3_600_000;

describe('case list: scopes, filters, due-time order, pagination', () => {
  const { app } = useTestApp();
  let officer: LoggedIn;
  let thai: Desk;
  let vn: Desk;

  beforeEach(async () => {
    await clearDatabase();
    officer = await loginAs(app(), 'complaint_officer');
    thai = await createDesk({ name: 'Thailand desk' });
    vn = await createDesk({ name: 'Vietnam desk' });
    await UserModel.updateOne({ _id: officer.user._id }, { $set: { desks: [thai._id] } });
  });

  it('when an officer lists cases, then they see their desks’ cases by next due time, "mine" narrows to theirs, and "all" is refused', async () => {
    const now = Date.now();
    const other = new Types.ObjectId();
    const late = await createCase({
      desk: thai,
      loggedBy: other,
      status: 'triaged',
      openedAt: new Date(now - 1 * HOUR),
    });
    const soon = await createCase({
      desk: thai,
      loggedBy: other,
      status: 'in_progress',
      priority: 'urgent',
      assignee: officer.user._id,
    });
    const hidden = await createCase({ desk: vn, loggedBy: other });
    const res = await officer.agent.get('/cases').expect(200);
    const ids = linkedIds(res.text, '/cases');
    expect(ids).to.deep.equal([String(soon._id), String(late._id)]);
    expect(ids).not.to.include(String(hidden._id));
    const mine = await officer.agent.get('/cases?scope=mine').expect(200);
    expect(linkedIds(mine.text, '/cases')).to.deep.equal([String(soon._id)]);
    await officer.agent.get('/cases?scope=all').expect(403);
    const manager = await loginAs(app(), 'manager');
    const all = await manager.agent.get('/cases?scope=all').expect(200);
    expect(linkedIds(all.text, '/cases')).to.have.length(3);
  });

  it('when filters are set, then only matching cases are listed (status, priority, category, countries, partner, breach, dates)', async () => {
    const u = new Types.ObjectId();
    const p = await createPartner();
    const t = Date.now();
    const a = await createCase({
      desk: thai,
      loggedBy: u,
      status: 'in_progress',
      priority: 'high',
      category: 'pricing',
      originCountry: 'VN',
      partners: [p._id],
    });
    const b = await createCase({
      desk: thai,
      loggedBy: u,
      status: 'new',
      ackBreached: true,
      openedAt: new Date(t - 30 * 24 * HOUR),
    });
    // At risk: urgent opened 20 h ago (resolve 24 h: under 25 % left), acknowledged.
    const c = await createCase({
      desk: thai,
      loggedBy: u,
      status: 'in_progress',
      priority: 'urgent',
      openedAt: new Date(t - 20 * HOUR),
    });
    const get = async (qs: string) =>
      linkedIds((await officer.agent.get(`/cases?${qs}`).expect(200)).text, '/cases');
    expect(await get('status=in_progress')).to.have.members([String(a._id), String(c._id)]);
    expect(await get('priority=high')).to.deep.equal([String(a._id)]);
    expect(await get('category=pricing')).to.deep.equal([String(a._id)]);
    expect(await get('originCountry=vn')).to.deep.equal([String(a._id)]);
    expect(await get(`partner=${p._id}`)).to.deep.equal([String(a._id)]);
    expect(await get('breach=ack_breached')).to.deep.equal([String(b._id)]);
    expect(await get('breach=breached')).to.deep.equal([String(b._id)]);
    expect(await get('breach=at_risk')).to.deep.equal([String(c._id)]);
    expect(await get('breach=on_track')).to.deep.equal([String(a._id)]);
    // Days are the viewer's calendar days (their time zone, the default one here).
    const old = toLocalDay(new Date(t - 30 * 24 * HOUR), config.defaultTimeZone);
    expect(await get(`openedFrom=${old}&openedTo=${old}`)).to.deep.equal([String(b._id)]);
    await officer.agent.get('/cases?status=bogus').expect(400);
    await officer.agent.get('/cases?desk[$ne]=x').expect(400);
  });

  it('when there are more cases than a page, then the next-page link continues without repeats', async () => {
    const u = new Types.ObjectId();
    const base = Date.now() - 100 * HOUR;
    const made = [];
    for (let i = 0; i < 55; i += 1)
      made.push(await createCase({ desk: thai, loggedBy: u, openedAt: new Date(base + i * 60_000) }));
    const first = await officer.agent.get('/cases').expect(200);
    const p1 = linkedIds(first.text, '/cases');
    expect(p1).to.have.length(50);
    const next = nextPageHref(first.text)!;
    const second = await officer.agent.get(next).expect(200);
    const p2 = linkedIds(second.text, '/cases');
    expect(p2).to.have.length(5);
    expect([...p1, ...p2]).to.deep.equal(made.map((c) => String(c._id)));
  });
});

import { expect } from 'chai';
import { Types } from 'mongoose';
import { caseReport, median, reportPeriod } from '../../src/modules/cases/index.js';
import type { Desk } from '../../src/modules/desks/index.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createPartner } from '../factories/partner.js';

const HOUR = 3_600_000;
// 04:00 UTC is noon in Asia/Shanghai (the default zone in tests): days and weeks are unambiguous.
const at = (day: string, plusHours = 0) => new Date(Date.parse(`${day}T04:00:00Z`) + plusHours * HOUR);
const NOW = at('2026-03-18'); // a Wednesday

describe('case reports against a hand-computed fixture', () => {
  const { app } = useTestApp();
  let a: Desk;
  let b: Desk;
  let p1: Types.ObjectId;
  let p2: Types.ObjectId;

  before(async () => {
    await clearDatabase();
    a = await createDesk({ name: 'A desk' });
    b = await createDesk({ name: 'B desk' });
    p1 = (await createPartner({ name: 'P one' }))._id;
    p2 = (await createPartner({ name: 'P two' }))._id;
    const u = new Types.ObjectId();
    // 1: A normal, opened wk 02-23, acknowledged in time, resolved after 24 h (in time).
    await createCase({
      desk: a,
      loggedBy: u,
      status: 'resolved',
      openedAt: at('2026-02-24'),
      resolvedAt: at('2026-02-25'),
      category: 'pricing',
      originCountry: 'CN',
      incidentCountry: 'TH',
      partners: [p1],
    });
    // 2: A normal, opened wk 02-23, resolved after 192 h (late: 120 h).
    await createCase({
      desk: a,
      loggedBy: u,
      status: 'closed',
      openedAt: at('2026-02-24'),
      resolvedAt: at('2026-03-04'),
      category: 'pricing',
      originCountry: 'CN',
      incidentCountry: 'TH',
      partners: [p1, p2],
    });
    // 3: A high, opened wk 03-02, acknowledged after 10 h (late: 8 h), still open.
    await createCase({
      desk: a,
      loggedBy: u,
      status: 'in_progress',
      priority: 'high',
      openedAt: at('2026-03-03'),
      acknowledgedAt: at('2026-03-03', 10),
      category: 'transport',
      originCountry: 'CN',
      incidentCountry: 'VN',
      partners: [p2],
    });
    // 4: B urgent, opened wk 03-09, never acknowledged and flagged.
    await createCase({
      desk: b,
      loggedBy: u,
      status: 'new',
      priority: 'urgent',
      openedAt: at('2026-03-10'),
      ackBreached: true,
      category: 'safety',
      originCountry: 'TH',
      incidentCountry: 'CN',
    });
    // 5: B normal, opened wk 03-16 exactly 24 h before now, acknowledge window undecided.
    await createCase({
      desk: b,
      loggedBy: u,
      status: 'new',
      openedAt: at('2026-03-17'),
      category: 'pricing',
      originCountry: 'CN',
      incidentCountry: 'TH',
      partners: [p1],
    });
    // 6: opened before the period, resolved in it (wk 03-09) late, 10 working hours.
    await createCase({
      desk: a,
      loggedBy: u,
      status: 'resolved',
      openedAt: at('2026-01-05'),
      resolvedAt: at('2026-03-10'),
      resolveMs: 10 * HOUR,
      category: 'other',
      originCountry: 'SG',
      incidentCountry: 'CN',
      partners: [p2],
    });
    // 7: opened before the period, still open (backlog over 30 days).
    await createCase({
      desk: b,
      loggedBy: u,
      status: 'in_progress',
      priority: 'low',
      openedAt: at('2026-01-05'),
      category: 'other',
    });
  });

  it('when the last 4 weeks are asked, then every number matches the hand count', async () => {
    const r = await caseReport({ period: '4w', from: '', to: '' }, NOW);
    expect(r.period.weeks).to.deep.equal(['2026-02-23', '2026-03-02', '2026-03-09', '2026-03-16']);
    expect(r.openedPerWeek).to.deep.equal([
      { week: '2026-02-23', opened: 2, resolved: 1 },
      { week: '2026-03-02', opened: 1, resolved: 1 },
      { week: '2026-03-09', opened: 1, resolved: 1 },
      { week: '2026-03-16', opened: 1, resolved: 0 },
    ]);
    expect(r.totals).to.deep.equal({ opened: 5, resolved: 3 });
    const row = (rows: typeof r.ackSla, desk: Desk, priority: string) =>
      rows.find((x) => x.desk === String(desk._id) && x.priority === priority);
    expect(r.ackSla).to.have.length(3);
    expect(row(r.ackSla, a, 'normal')).to.include({ total: 2, within: 2, pct: 100 });
    expect(row(r.ackSla, a, 'high')).to.include({ total: 1, within: 0, pct: 0 });
    expect(row(r.ackSla, b, 'urgent')).to.include({ total: 1, within: 0, pct: 0 });
    expect(r.resolveSla).to.have.length(1);
    expect(row(r.resolveSla, a, 'normal')).to.include({ total: 3, within: 1, pct: 33.3 });
    expect(r.medianResolveHours).to.equal(24);
    expect(r.backlog).to.deep.equal([
      { key: 'lt1d', n: 0 },
      { key: 'd1to3', n: 1 },
      { key: 'd3to7', n: 0 },
      { key: 'd7to14', n: 1 },
      { key: 'd14to30', n: 1 },
      { key: 'gt30d', n: 1 },
    ]);
    expect(r.byCategory).to.deep.equal([
      { key: 'pricing', n: 3 },
      { key: 'safety', n: 1 },
      { key: 'transport', n: 1 },
    ]);
    expect(r.byCountryPair).to.deep.equal([
      { origin: 'CN', incident: 'TH', n: 3 },
      { origin: 'CN', incident: 'VN', n: 1 },
      { origin: 'TH', incident: 'CN', n: 1 },
    ]);
    expect(r.topPartners.map((x) => [String(x.partner), x.n])).to.deep.equal([
      [String(p1), 3],
      [String(p2), 2],
    ]);
  });

  it('when a custom period is asked, then only it counts; a reversed range is a field error', async () => {
    const r = await caseReport({ period: 'custom', from: '2026-03-02', to: '2026-03-08' }, NOW);
    expect(r.totals).to.deep.equal({ opened: 1, resolved: 1 });
    expect(() => reportPeriod({ period: 'custom', from: '2026-03-08', to: '2026-03-02' }, NOW)).to.throw();
    expect(median([])).to.equal(null);
    expect(median([3, 1, 2, 10])).to.equal(2.5);
  });

  it('when a manager opens the reports page, then it renders; an officer is refused', async () => {
    const manager = await loginAs(app(), 'manager');
    const res = await manager.agent.get('/cases/reports?period=52w').expect(200);
    expect(res.text).to.contain('Complaint reports');
    const officer = await loginAs(app(), 'complaint_officer');
    await officer.agent.get('/cases/reports').expect(403);
    await manager.agent.get('/cases/reports?period=forever').expect(400);
  });
});

import { expect } from 'chai';
import {
  median,
  pipelineMetrics,
  quartersBetween,
  type Stage,
  type StageChange,
} from '../../src/modules/agreements/index.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createAgreement, day } from '../factories/agreement.js';
import { createPartner } from '../factories/partner.js';

/** A stage history from [stage, day] pairs, each entry moving from the previous one. */
function history(...steps: [Stage, string, string?][]): StageChange[] {
  return steps.map(([to, at, note], i) => ({
    from: i === 0 ? null : steps[i - 1]![0],
    to,
    at: day(at),
    by: null,
    note: note ?? null,
  }));
}

describe('agreements: pipeline metrics against a hand-computed fixture', () => {
  const { app } = useTestApp();
  const NOW = new Date('2026-04-10T00:00:00Z');
  const Q1 = { from: day('2026-01-01'), to: day('2026-03-31') };

  before(async () => {
    await clearDatabase();
    const th = await createPartner({ country: 'TH' });
    const vn = await createPartner({ country: 'VN' });
    const cn = await createPartner({ country: 'CN' });
    const make = (
      title: string,
      stage: Stage,
      h: StageChange[],
      over: Parameters<typeof createAgreement>[0] = {},
    ) => createAgreement({ title, stage, stageHistory: h, stageChangedAt: h[h.length - 1]!.at, ...over });

    // A: signed in Q1 (scenic, TH), in "signed" since 5 Feb → stuck.
    await make(
      'A',
      'signed',
      history(
        ['lead', '2025-12-20'],
        ['negotiation', '2026-01-10'],
        ['review', '2026-01-20'],
        ['signed', '2026-02-05'],
      ),
      {
        partners: [th],
        category: 'scenic_channel',
        signedAt: day('2026-02-05'),
        value: { amount: 100, currency: 'USD' },
      },
    );
    // B: withdrawn from negotiation in Q1.
    await make(
      'B',
      'withdrawn',
      history(
        ['lead', '2026-01-05'],
        ['negotiation', '2026-01-15'],
        ['withdrawn', '2026-02-14', 'no budget'],
      ),
      { partners: [vn], value: { amount: 700, currency: 'USD' } },
    );
    // C: in negotiation since 1 Mar (40 days on 10 Apr) → stuck.
    await make('C', 'negotiation', history(['lead', '2026-02-01'], ['negotiation', '2026-03-01']), {
      partners: [th],
      category: 'cruise_channel',
      value: { amount: 500, currency: 'USD' },
    });
    // D: signed in Q4 2025, active since 2 Jan.
    await make(
      'D',
      'active',
      history(
        ['lead', '2025-10-01'],
        ['negotiation', '2025-10-15'],
        ['review', '2025-11-01'],
        ['signed', '2025-11-17'],
        ['active', '2026-01-02'],
      ),
      {
        partners: [vn, cn],
        category: 'government_soe_project',
        signedAt: day('2025-11-17'),
        value: { amount: 2000, currency: 'CNY' },
      },
    );
    // E: a fresh lead (21 days), not stuck.
    await make('E', 'lead', history(['lead', '2026-03-20']), {
      partners: [th],
      value: { amount: 50, currency: 'USD' },
    });
    // F: signed 10 Mar (MoU, TH+VN), active 15 Mar.
    await make(
      'F',
      'active',
      history(
        ['lead', '2025-09-01'],
        ['negotiation', '2025-10-01'],
        ['review', '2025-12-01'],
        ['signed', '2026-03-10'],
        ['active', '2026-03-15'],
      ),
      {
        partners: [th, vn],
        category: 'mou',
        signedAt: day('2026-03-10'),
        value: { amount: 1000, currency: 'THB' },
      },
    );
    // G: in review since 1 Jan → stuck 99 days.
    await make(
      'G',
      'review',
      history(['lead', '2025-11-01'], ['negotiation', '2025-12-01'], ['review', '2026-01-01']),
      {
        partners: [cn],
      },
    );
    // H: went back from review to negotiation on 11 Feb → stuck 58 days.
    await make(
      'H',
      'negotiation',
      history(
        ['lead', '2026-01-02'],
        ['negotiation', '2026-01-10'],
        ['review', '2026-02-01'],
        ['negotiation', '2026-02-11', 'terms reopened'],
      ),
      { partners: [vn] },
    );
  });

  it('when metrics are computed for Q1 2026 with 30 stuck days, then every figure equals the hand-computed one', async () => {
    const m = await pipelineMetrics(Q1, 30, NOW);

    expect(m.perStage.map((s) => [s.stage, s.count, s.totals])).to.deep.equal([
      ['lead', 1, [['USD', 50]]],
      ['negotiation', 2, [['USD', 500]]],
      ['review', 1, []],
      ['signed', 1, [['USD', 100]]],
      [
        'active',
        2,
        [
          ['CNY', 2000],
          ['THB', 1000],
        ],
      ],
      ['expired', 0, []],
      ['terminated', 0, []],
      ['withdrawn', 1, [['USD', 700]]],
    ]);

    expect(m.conversion.map((c) => [c.from, c.to, c.exits, c.converted, c.rate])).to.deep.equal([
      ['lead', 'negotiation', 4, 4, 1],
      ['negotiation', 'review', 4, 3, 0.75],
      ['review', 'signed', 3, 2, 2 / 3],
      ['signed', 'active', 2, 2, 1],
    ]);
    expect(m.conversion[1]!.moves).to.deep.equal({ review: 3, withdrawn: 1 });
    expect(m.conversion[2]!.moves).to.deep.equal({ signed: 2, negotiation: 1 });

    expect(m.stays.map((s) => [s.stage, s.stays, s.medianDays])).to.deep.equal([
      ['lead', 4, 15.5], // 8, 10, 21, 28
      ['negotiation', 4, 26], // 10, 22, 30, 31
      ['review', 3, 16], // 10, 16, 99
      ['signed', 2, 25.5], // 5, 46
      ['active', 0, null],
    ]);

    expect(m.ageing.map((a) => [a.stage, a.open, a.stuck])).to.deep.equal([
      ['lead', 1, 0],
      ['negotiation', 2, 2],
      ['review', 1, 1],
      ['signed', 1, 1],
    ]);
    expect(m.stuck.map((s) => [s.title, s.daysInStage])).to.deep.equal([
      ['G', 99],
      ['A', 64],
      ['H', 58],
      ['C', 40],
    ]);

    expect(m.signedPerQuarter).to.deep.equal([{ quarter: '2026-Q1', count: 2 }]);
    expect(m.signedTotal).to.equal(2);
    expect(m.signedPerCategory.filter((c) => c.count > 0)).to.deep.equal([
      { category: 'scenic_channel', count: 1 },
      { category: 'mou', count: 1 },
    ]);
    expect(m.signedPerCountry).to.deep.equal([
      { country: 'TH', count: 2 },
      { country: 'VN', count: 1 },
    ]);
  });

  it('when the period spans three quarters, then quarters without signings show zero and the stuck threshold is a parameter', async () => {
    const m = await pipelineMetrics({ from: day('2025-07-01'), to: day('2026-03-31') }, 60, NOW);
    expect(m.signedPerQuarter).to.deep.equal([
      { quarter: '2025-Q3', count: 0 },
      { quarter: '2025-Q4', count: 1 },
      { quarter: '2026-Q1', count: 2 },
    ]);
    expect(m.stuck.map((s) => s.title)).to.deep.equal(['G', 'A']);
  });

  it('when a manager opens the metrics page, then the tables show the figures and stuck agreements are highlighted', async () => {
    const manager = await loginAs(app(), 'manager');
    const res = await manager.agent
      .get('/agreements/metrics?from=2026-01-01&to=2026-03-31&stuckDays=30')
      .expect(200);
    expect(res.text).to.contain('<svg');
    expect(res.text).to.match(/data-step="negotiation-review">[\s\S]*?conversion-rate">75%</);
    expect(res.text).to.match(/data-stage="lead">[\s\S]*?median-days">15.5</);
    expect(res.text).to.match(/class="table-warning"><td><a href="\/agreements\/[0-9a-f]{24}">G<\/a>/);
    await manager.agent.get('/agreements/metrics?stuckDays=0').expect(400);
  });

  it('median and quarters helpers', () => {
    expect(median([])).to.equal(null);
    expect(median([3])).to.equal(3);
    expect(median([4, 1, 3])).to.equal(3);
    expect(quartersBetween(day('2025-12-31'), day('2026-01-01'))).to.deep.equal(['2025-Q4', '2026-Q1']);
  });
});

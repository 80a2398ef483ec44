import { expect } from 'chai';
import {
  computeProgress,
  monthlySeries,
  pathForYear,
  requiredGrowthRate,
  statusOf,
  sumProgress,
  yearlySeries,
  type MonthFigure,
} from '../../src/modules/targets/progress.js';

const months = (year: number, values: Record<number, number>): MonthFigure[] =>
  Object.entries(values).map(([m, visitors]) => ({ year, month: Number(m), visitors }));

// Market A: 120,000 visitors in 2023, ×4 by 2025, so the path doubles every year (rate 100%):
// 240,000 in 2024 (20,000 a month), 480,000 in 2025 (40,000 a month). No baseline months are
// recorded, so each month is a twelfth of a year. May and June 2024 are missing.
const planA = { baselineYear: 2023, baselineVisitors: 120_000, multiplier: 4, targetYear: 2025 };
const actualsA = [
  ...months(2024, {
    1: 20_000,
    2: 20_000,
    3: 20_000,
    4: 20_000,
    7: 20_000,
    8: 20_000,
    9: 20_000,
    10: 20_000,
    11: 20_000,
    12: 20_000,
  }),
  ...months(2025, { 1: 45_000, 2: 40_000, 3: 50_000 }),
];

// Market C: the baseline year 2024 is recorded in full with a season (5,000 a month Jan–Jun,
// 15,000 Jul–Dec = 120,000), doubling by 2025.
const planC = { baselineYear: 2024, baselineVisitors: 120_000, multiplier: 2, targetYear: 2025 };
const actualsC = [
  ...months(2024, {
    1: 5000,
    2: 5000,
    3: 5000,
    4: 5000,
    5: 5000,
    6: 5000,
    7: 15_000,
    8: 15_000,
    9: 15_000,
    10: 15_000,
    11: 15_000,
    12: 15_000,
  }),
  ...months(2025, { 1: 10_000, 2: 12_000 }),
];

describe('targets progress maths', () => {
  it('the yearly growth needed is multiplier^(1/years) − 1 and the path grows geometrically', () => {
    expect(requiredGrowthRate(planA)).to.equal(1);
    expect(pathForYear(planA, 2024)).to.equal(240_000);
    expect(pathForYear(planA, 2025)).to.equal(480_000);
    const doubling = { baselineYear: 2024, baselineVisitors: 100_000, multiplier: 2, targetYear: 2027 };
    expect(requiredGrowthRate(doubling)).to.be.closeTo(0.259921, 1e-6);
    expect(pathForYear(doubling, 2026)).to.be.closeTo(158_740.1, 0.1);
    expect(pathForYear(doubling, 2027)).to.be.closeTo(200_000, 1e-6);
  });

  it('when months are missing, then year to date, latest 12 months, trailing growth and forecast leave them out on both sides', () => {
    // Reference month: March 2025 (the latest recorded month up to June 2025).
    const p = computeProgress(planA, actualsA, { year: 2025, month: 6 });
    expect(p.reference).to.deep.equal({ year: 2025, month: 3 });
    expect(p.target).to.equal(480_000);
    // YTD: Jan–Mar 2025 = 135,000 against 3 × 10,000 of 2023 and 3 × 40,000 on the path.
    expect(p.ytd).to.deep.equal({
      year: 2025,
      months: 3,
      actual: 135_000,
      baseline: 30_000,
      path: 120_000,
      growth: 3.5,
      vsPath: 1.125,
    });
    // Latest 12 months Apr 2024–Mar 2025 with 10 recorded: 7 × 20,000 + 135,000 = 275,000;
    // the path for those months: 7 × 20,000 + 3 × 40,000 = 260,000.
    expect(p.last12).to.deep.include({ months: 10, actual: 275_000, needed: 260_000 });
    expect(p.last12!.from).to.deep.equal({ year: 2024, month: 4 });
    expect(p.last12!.ratio).to.be.closeTo(275_000 / 260_000, 1e-12);
    expect(p.status).to.equal('on_track');
    // A year earlier: 2023 (baseline year, 10,000 a month) for the 7 months of 2024, and
    // Jan–Mar 2024 (60,000) for 2025: 275,000 against 130,000.
    expect(p.trailing).to.deep.equal({ actual: 275_000, prior: 130_000, growth: 275_000 / 130_000 - 1 });
    // Forecast: 275,000 annualised over 10 months = 330,000, grown 9 months (to Dec 2025).
    expect(p.forecast).to.be.closeTo(330_000 * (275 / 130) ** 0.75, 1e-6);
    expect(p.forecast).to.be.closeTo(578_836.55, 0.01);
    expect(p.forecastVsTarget).to.be.closeTo(p.forecast! / 480_000, 1e-12);
  });

  it("when the baseline year is recorded in full, then the path follows that year's season", () => {
    const p = computeProgress(planC, actualsC, { year: 2025, month: 2 });
    // Jan–Feb 2025: 22,000 against 10,000 in Jan–Feb 2024 and 20,000 on the path (doubled).
    expect(p.ytd).to.deep.include({ months: 2, actual: 22_000, baseline: 10_000, path: 20_000 });
    expect(p.ytd!.growth).to.be.closeTo(1.2, 1e-12);
    expect(p.ytd!.vsPath).to.be.closeTo(1.1, 1e-12);
    // Mar–Dec 2024 = path (110,000) + Jan–Feb 2025 (22,000 vs 20,000).
    expect(p.last12).to.deep.include({ months: 12, actual: 132_000, needed: 130_000 });
    // Only Jan–Feb have a year before (2023 is not recorded and is not the baseline year).
    expect(p.trailing).to.deep.equal({ actual: 22_000, prior: 10_000, growth: 1.2000000000000002 });
    expect(p.forecast).to.be.closeTo(132_000 * 2.2 ** (10 / 12), 1e-6);
    const series = monthlySeries(planC, actualsC, 2025, 2025);
    expect(series[0]).to.deep.equal({ label: '2025-01', actual: 10_000, path: 10_000 });
    expect(series[6]).to.deep.equal({ label: '2025-07', actual: null, path: 30_000 });
  });

  it('when a market is below the path, then its status follows the thresholds (≥100% on track, ≥90% at risk)', () => {
    const slow = [
      ...months(2024, {
        1: 20_000,
        2: 20_000,
        3: 20_000,
        4: 20_000,
        7: 20_000,
        8: 20_000,
        9: 20_000,
        10: 20_000,
        11: 20_000,
        12: 20_000,
      }),
      ...months(2025, { 1: 20_000, 2: 20_000, 3: 20_000 }),
    ];
    const p = computeProgress(planA, slow, { year: 2025, month: 3 });
    expect(p.last12!.ratio).to.be.closeTo(200_000 / 260_000, 1e-12);
    expect(p.status).to.equal('off_track');
    expect(statusOf(1)).to.equal('on_track');
    expect(statusOf(0.99999)).to.equal('at_risk');
    expect(statusOf(0.9)).to.equal('at_risk');
    expect(statusOf(0.89999)).to.equal('off_track');
    expect(statusOf(null)).to.equal('no_data');
  });

  it('when a market has no figures, then it has no status and no forecast', () => {
    const p = computeProgress(planA, [], { year: 2025, month: 3 });
    expect(p).to.deep.include({
      reference: null,
      ytd: null,
      last12: null,
      forecast: null,
      status: 'no_data',
    });
    // Figures after "as of" are not used.
    expect(computeProgress(planA, months(2026, { 1: 5 }), { year: 2025, month: 12 }).status).to.equal(
      'no_data',
    );
  });

  it('markets add up from their sums, not by averaging ratios', () => {
    const a = computeProgress(planA, actualsA, { year: 2025, month: 3 });
    const c = computeProgress(planC, actualsC, { year: 2025, month: 3 });
    const none = computeProgress(planA, [], { year: 2025, month: 3 });
    const total = sumProgress([a, c, none]);
    expect(total).to.deep.include({
      markets: 3,
      actual12: 407_000,
      needed12: 390_000,
      target: 480_000 + 240_000 + 480_000,
    });
    expect(total.ratio12).to.be.closeTo(407_000 / 390_000, 1e-12);
    expect(total.status).to.equal('on_track');
    expect(total.statusCounts).to.deep.equal({ on_track: 2, at_risk: 0, off_track: 0, no_data: 1 });
    expect(total.ytdGrowth).to.be.closeTo((135_000 + 22_000) / (30_000 + 10_000) - 1, 1e-12);
    expect(total.trailingGrowth).to.be.closeTo((275_000 + 22_000) / (130_000 + 10_000) - 1, 1e-12);
    // Forecasts against the targets of the markets that have one.
    expect(total.forecastTarget).to.equal(720_000);
    expect(total.forecast).to.be.closeTo(a.forecast! + c.forecast!, 1e-6);
  });

  it('yearly totals count recorded months only and say how many there are', () => {
    const years = yearlySeries(planA, actualsA, 2023, 2025);
    expect(years).to.deep.equal([
      { year: 2023, actual: null, months: 0, path: 120_000 },
      { year: 2024, actual: 200_000, months: 10, path: 240_000 },
      { year: 2025, actual: 135_000, months: 3, path: 480_000 },
    ]);
  });
});

import { expect } from 'chai';
import { ActualModel, MarketModel, planOverview } from '../../src/modules/targets/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { seedTargets } from '../../scripts/seed/targets.js';

describe('targets: demo data', () => {
  useTestApp();
  before(clearDatabase);

  it('seeds 8 markets with 36 months each, twice without adding anything, with mixed statuses', async () => {
    const now = new Date(Date.UTC(2026, 11, 6));
    await seedTargets(now);
    await seedTargets(now);
    expect(await MarketModel.countDocuments()).to.equal(8);
    expect(await ActualModel.countDocuments()).to.equal(8 * 36);
    const overview = await planOverview(now);
    const statuses = new Set(overview.markets.map((m) => m.progress.status));
    expect(statuses.size).to.be.greaterThan(1);
    expect(overview.totals.inbound.markets).to.equal(4);
    expect(overview.totals.outbound.markets).to.equal(4);
    expect(
      overview.markets.every((m) => m.progress.reference?.year === 2026 && m.progress.reference.month === 11),
    ).to.equal(true);
  });
});

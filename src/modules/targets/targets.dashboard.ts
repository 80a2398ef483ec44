import { registerDashboardTile } from '../home/index.js';
import { THRESHOLDS } from './progress.js';
import { planOverview } from './targets.service.js';
import { marketLabel, numberFormats } from './targets.view.js';

// Doubling-plan status per market, for managers and admins.
registerDashboardTile({
  key: 'targets',
  order: 120,
  title: 'targets.tile.title',
  action: 'targets.read',
  roles: ['admin', 'manager'],
  view: 'targets/dashboard-tile',
  cache: { scope: 'shared', tags: ['targets'], varies: ['locale'] },
  async load({ locale, t, now }) {
    const overview = await planOverview(now);
    return {
      totals: overview.totals.all,
      thresholds: THRESHOLDS,
      fmt: numberFormats(locale),
      markets: overview.markets
        .map((m) => ({
          id: m.market._id.toHexString(),
          label: marketLabel(m.market, locale, t),
          status: m.progress.status,
          ratio: m.progress.last12?.ratio ?? null,
        }))
        // Worst first: the markets that need attention lead.
        .sort((a, b) => (a.ratio ?? -1) - (b.ratio ?? -1)),
    };
  },
});

import { objectIds, trusted } from '../../../lib/db/index.js';
import { Joi } from '../../../lib/validation.js';
import { ActualModel, MarketModel, type Actual, type Market } from '../../targets/index.js';
import { EXPORT_CURSOR_BATCH, registerExport } from '../registry.js';

// Monthly actuals in the SPEC's import format (origin,destination,year,month,visitors), so an
// export re-imports unchanged; one market's, one year's, or all.
const actualFilters = Joi.object({
  market: Joi.string().trim().hex().length(24).allow('').default(''),
  year: Joi.number().integer().min(1990).max(2100).empty('').default(null),
});
interface ActualFilter {
  market: string;
  year: number | null;
}

type ActualRow = Pick<Actual, '_id' | 'market' | 'year' | 'month' | 'visitors' | 'source'>;
type Markets = Map<string, Pick<Market, 'origin' | 'destination'>>;

registerExport<ActualRow, Markets, ActualFilter>({
  entity: 'target_actual',
  basePath: '/targets/actuals',
  action: 'targets.export',
  readAction: 'targets.read',
  titleKey: 'targets.title',
  filters: actualFilters,
  defaultColumns: ['origin', 'destination', 'year', 'month', 'visitors'],
  query(_user, filters) {
    const query: Record<string, unknown> = {};
    if (filters.market) query.market = filters.market;
    if (filters.year) query.year = filters.year;
    return Promise.resolve({
      rows: ActualModel.find(query, { market: 1, year: 1, month: 1, visitors: 1, source: 1 })
        .sort({ market: 1, yearMonth: 1, _id: 1 })
        .lean<ActualRow[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => ActualModel.countDocuments(query),
    });
  },
  async batchContext(rows) {
    const ids = objectIds(rows.map((r) => r.market));
    const markets = await MarketModel.find(
      { _id: trusted({ $in: ids }) },
      { origin: 1, destination: 1 },
    ).lean<Market[]>();
    return new Map(markets.map((m) => [m._id.toHexString(), m]));
  },
  columns: [
    {
      key: 'origin',
      label: 'targets.origin',
      value: (r, m) => m.get(r.market.toHexString())?.origin ?? null,
    },
    {
      key: 'destination',
      label: 'targets.destination',
      value: (r, m) => m.get(r.market.toHexString())?.destination ?? null,
    },
    { key: 'year', label: 'targets.grid.year', value: (r) => r.year },
    { key: 'month', label: 'targets.grid.month', value: (r) => r.month },
    { key: 'visitors', label: 'targets.visitors', value: (r) => r.visitors },
    { key: 'source', label: 'exports.columns.source', value: (r) => r.source },
  ],
});

registerExport<Market, null, Record<string, unknown>>({
  entity: 'target_market',
  basePath: '/targets',
  action: 'targets.export',
  readAction: 'targets.read',
  titleKey: 'targets.title',
  filters: Joi.object({ after: Joi.string().max(300).allow('') }),
  query() {
    return Promise.resolve({
      rows: MarketModel.find({})
        .sort({ pairKey: 1, _id: 1 })
        .lean<Market[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => MarketModel.countDocuments({}),
    });
  },
  columns: [
    { key: 'origin', label: 'targets.origin', value: (r) => r.origin },
    { key: 'destination', label: 'targets.destination', value: (r) => r.destination },
    { key: 'baseline_year', label: 'targets.baselineYear', value: (r) => r.baselineYear },
    { key: 'baseline_visitors', label: 'targets.baselineVisitors', value: (r) => r.baselineVisitors },
    { key: 'multiplier', label: 'targets.multiplier', value: (r) => r.multiplier },
    { key: 'target_year', label: 'targets.targetYear', value: (r) => r.targetYear },
    { key: 'notes', label: 'targets.notes', value: (r) => r.notes ?? null },
    { key: 'id', label: 'exports.columns.id', value: (r) => r._id.toHexString() },
  ],
});

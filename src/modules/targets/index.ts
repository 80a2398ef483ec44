import './targets.dashboard.js';

export { MarketModel, CHONGQING, pairKey, type Market } from './market.model.js';
export { ActualModel, toYearMonth, type Actual } from './actual.model.js';
export {
  allMarkets,
  canEnterActuals,
  createMarket,
  directionOf,
  findMarket,
  marketProgress,
  monthlyFigures,
  planOverview,
  saveYear,
  updateMarket,
  upsertActual,
  yearFigures,
  type Direction,
  type PlanOverview,
} from './targets.service.js';
export { importActuals, type ImportReport } from './import.service.js';
export {
  actualsApiSchema,
  gridQuery,
  marketListQuery,
  marketSchema,
  actualRowSchema,
  type ActualsApiInput,
  type MarketInput,
  type ActualRow,
} from './targets.schemas.js';
export { monthlyShares, pathForMonth, toMonthMap } from './progress.js';
export { codeName, marketLabel } from './targets.view.js';
export { targetsRouter } from './targets.routes.js';

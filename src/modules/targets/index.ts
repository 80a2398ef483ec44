import './targets.dashboard.js';

export { MarketModel, CHONGQING, pairKey, type Market } from './market.model.js';
export { ActualModel, toYearMonth, type Actual } from './actual.model.js';
export {
  allMarkets,
  createMarket,
  directionOf,
  findMarket,
  monthlyFigures,
  planOverview,
  upsertActual,
  type Direction,
  type PlanOverview,
} from './targets.service.js';
export { importActuals, type ImportReport } from './import.service.js';
export { marketSchema, actualRowSchema, type MarketInput, type ActualRow } from './targets.schemas.js';
export { codeName, marketLabel } from './targets.view.js';
export { targetsRouter } from './targets.routes.js';

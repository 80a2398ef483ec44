export { homeRouter } from './home.routes.js';
export {
  registerDashboardTile,
  dashboardTiles,
  dashboardTilesFor,
  type DashboardTile,
  type TileContext,
} from './dashboard-tiles.js';
export { startTileWarmer, stopTileWarmer, warmSharedTiles } from './tile-warmer.js';

import { Router, type Response } from 'express';
import { logger } from '../../lib/logger.js';
import { allow, can, type Action } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { dashboardTilesFor, loadTile, type DashboardTile, type TileContext } from './dashboard-tiles.js';
import './home.tiles.js';
import { noteDashboardView } from './tile-warmer.js';

export const homeRouter = Router();

const QUICK_LINKS: { href: string; navKey: string; action: Action }[] = [
  { href: '/partners', navKey: 'nav.partners', action: 'partners.read' },
  { href: '/follow-ups', navKey: 'nav.followUps', action: 'followups.read' },
  { href: '/agreements', navKey: 'nav.agreements', action: 'agreements.read' },
  { href: '/cases', navKey: 'nav.cases', action: 'cases.read' },
  { href: '/targets', navKey: 'nav.targets', action: 'targets.read' },
  { href: '/admin/users', navKey: 'nav.users', action: 'users.manage' },
];

export interface RenderedTile {
  key: string;
  title: string;
  width: 'half' | 'full';
  html: string | null;
  failed: boolean;
}

function renderView(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? '')));
  });
}

/** Loads and renders one tile; any failure becomes an error box for that tile alone. */
async function renderTile(
  res: Response,
  tile: DashboardTile,
  ctx: TileContext,
): Promise<RenderedTile | null> {
  const base = { key: tile.key, title: ctx.t(tile.title), width: tile.width ?? 'half' };
  try {
    const locals = await loadTile(tile, ctx);
    if (!locals) return null;
    const html = await renderView(res, tile.view, { ...res.locals, ...locals, tileKey: tile.key });
    return { ...base, html, failed: false };
  } catch (err) {
    logger.error({ err, tile: tile.key }, 'dashboard tile failed');
    return { ...base, html: null, failed: true };
  }
}

homeRouter.get('/', allow('dashboard.view'), async (req, res) => {
  const user = req.user!;
  noteDashboardView();
  const ctx: TileContext = {
    user,
    now: new Date(),
    locale: res.locals.locale,
    timeZone: res.locals.timeZone,
    t: res.locals.t,
  };
  const tiles = (await Promise.all(dashboardTilesFor(user).map((tile) => renderTile(res, tile, ctx)))).filter(
    (t): t is RenderedTile => t != null,
  );
  const links = QUICK_LINKS.filter((l) => can(user, l.action));
  await renderPage(res, 'home/dashboard', { links, tiles });
});

import type { Locale } from '../../config/index.js';
import type { Translate } from '../../lib/i18n.js';
import { mayAttempt, type Action, type Role } from '../../lib/permissions.js';
import { cached } from '../../lib/short-cache.js';

export interface TileContext {
  user: Express.User;
  now: Date;
  locale: Locale;
  timeZone: string;
  t: Translate;
}

/**
 * A block on the home dashboard. Features add theirs with registerDashboardTile (the home module
 * never imports them). `load` returns the locals of `view`, or null to hide the tile; tiles load
 * in parallel and one that fails shows an error box instead of failing the page.
 */
export interface DashboardTile {
  key: string;
  /** Position: lower first. Built-in tiles use 10–40 (personal) and 100+ (management). */
  order: number;
  /** Translation key of the tile's heading. */
  title: string;
  /** Who sees it: users who may attempt this action (permission table) … */
  action?: Action;
  /** … and, when given, only these roles. */
  roles?: readonly Role[];
  /** 'half' (default) or 'full' width on large screens. */
  width?: 'half' | 'full';
  /** A view path under views/ (e.g. 'targets/dashboard-tile'). */
  view: string;
  /**
   * Keep load()'s locals for a short while (src/lib/short-cache.ts): 'shared' for tiles every
   * viewer of a role sees alike (management summaries; a write refreshes them in the background),
   * 'user' for one user's own data (a write makes the next view wait for fresh data). `tags`
   * name the data the tile reads: models marked with invalidateOnWrite(schema, tag).
   */
  cache?: { scope: 'shared' | 'user'; tags: readonly string[]; ttlMs?: number };
  load(ctx: TileContext): Promise<Record<string, unknown> | null>;
}

/** Sixty seconds: a summary a minute old is fine, and it bounds how far another instance lags. */
export const TILE_CACHE_TTL_MS = 60_000;

/** load() through the tile's cache, when it has one. The locals are shared: views must not change them. */
export function loadTile(tile: DashboardTile, ctx: TileContext): Promise<Record<string, unknown> | null> {
  if (!tile.cache) return tile.load(ctx);
  const who = tile.cache.scope === 'user' ? String(ctx.user._id) : ctx.user.role;
  return cached(
    `tile:${tile.key}:${who}:${ctx.locale}:${ctx.timeZone}`,
    {
      ttlMs: tile.cache.ttlMs ?? TILE_CACHE_TTL_MS,
      tags: tile.cache.tags,
      afterWrite: tile.cache.scope === 'user' ? 'reload' : 'background',
    },
    () => tile.load(ctx),
  );
}

const tiles: DashboardTile[] = [];

export function registerDashboardTile(tile: DashboardTile): void {
  if (tiles.some((t) => t.key === tile.key)) return;
  tiles.push(tile);
  tiles.sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}

/** The tiles this user sees, in order. */
export function dashboardTilesFor(user: Pick<Express.User, 'role'>): DashboardTile[] {
  return tiles.filter(
    (t) => (!t.action || mayAttempt(user, t.action)) && (!t.roles || t.roles.includes(user.role)),
  );
}

export function dashboardTiles(): readonly DashboardTile[] {
  return tiles;
}

import type { Locale } from '../../config/index.js';
import type { Translate } from '../../lib/i18n.js';
import { mayAttempt, type Action, type Role } from '../../lib/permissions.js';
import { cached, freshValue, type CacheOptions } from '../../lib/short-cache.js';

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
  cache?: {
    scope: 'shared' | 'user';
    tags: readonly string[];
    ttlMs?: number;
    /**
     * What a 'shared' tile's locals depend on besides the data (default: all three). A tile that
     * shows every role allowed to see it the same numbers leaves 'role' out, so one load serves
     * them all.
     */
    varies?: readonly TileVariation[];
  };
  load(ctx: TileContext): Promise<Record<string, unknown> | null>;
}

/** Personal tiles: sixty seconds, which bounds how far another instance's writes lag. */
export const TILE_CACHE_TTL_MS = 60_000;
/**
 * Shared management tiles: fifteen minutes. A write to their data refreshes them at once (in
 * the background); the ttl only bounds how old a time-driven figure (due today, expiring in 90
 * days) gets. It must exceed the warmer's pause plus one warm-up (5.6 minutes at full bench
 * scale on FerretDB), so the warmer refreshes them before they go stale: with five minutes, the
 * tiles warmed first were stale when a full-scale warm-up ended, and the first views after it
 * each started whole-collection reloads (p50 197 ms for a cached dashboard, load 2.8).
 */
export const SHARED_TILE_TTL_MS = 15 * 60_000;
/**
 * A shared tile's old value is still shown while it refreshes for up to an hour: the tile
 * warmer refreshes every one well within that, so a viewer never waits for a whole-collection
 * read (with 5 × ttl, a warm-up longer than the warmer's pause left viewers waiting).
 */
export const SHARED_TILE_MAX_STALE_MS = 60 * 60_000;

export type TileVariation = 'role' | 'locale' | 'timeZone';
const EVERY_VARIATION: readonly TileVariation[] = ['role', 'locale', 'timeZone'];

/** The cache key of a tile's locals for this viewer (null: the tile is not cached). */
export function tileCacheKey(tile: DashboardTile, ctx: TileContext): string | null {
  if (!tile.cache) return null;
  if (tile.cache.scope === 'user')
    return `tile:${tile.key}:${String(ctx.user._id)}:${ctx.locale}:${ctx.timeZone}`;
  const varies = tile.cache.varies ?? EVERY_VARIATION;
  const part = (v: TileVariation, value: string) => (varies.includes(v) ? value : '*');
  return `tile:${tile.key}:${part('role', ctx.user.role)}:${part('locale', ctx.locale)}:${part('timeZone', ctx.timeZone)}`;
}

function cacheOptions(cache: NonNullable<DashboardTile['cache']>): CacheOptions {
  if (cache.scope === 'user') {
    return { ttlMs: cache.ttlMs ?? TILE_CACHE_TTL_MS, tags: cache.tags, afterWrite: 'reload' };
  }
  return {
    ttlMs: cache.ttlMs ?? SHARED_TILE_TTL_MS,
    maxStaleMs: SHARED_TILE_MAX_STALE_MS,
    tags: cache.tags,
    afterWrite: 'background',
  };
}

/** load() through the tile's cache, when it has one. The locals are shared: views must not change them. */
export function loadTile(tile: DashboardTile, ctx: TileContext): Promise<Record<string, unknown> | null> {
  const key = tileCacheKey(tile, ctx);
  if (!key || !tile.cache) return tile.load(ctx);
  return cached(key, cacheOptions(tile.cache), () => tile.load(ctx));
}

/** Like loadTile, but waits for fresh locals rather than serving stale ones (the tile warmer). */
export function loadTileFresh(
  tile: DashboardTile,
  ctx: TileContext,
): Promise<Record<string, unknown> | null> {
  const key = tileCacheKey(tile, ctx);
  if (!key || !tile.cache) return tile.load(ctx);
  return freshValue(key, cacheOptions(tile.cache), () => tile.load(ctx));
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

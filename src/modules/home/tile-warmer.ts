import { Types } from 'mongoose';
import { config, LOCALES } from '../../config/index.js';
import { translator } from '../../lib/i18n.js';
import { logger } from '../../lib/logger.js';
import { ROLES, type Role } from '../../lib/permissions.js';
import { dashboardTilesFor, loadTileFresh, tileCacheKey, type TileContext } from './dashboard-tiles.js';

/**
 * The management tiles read whole collections on FerretDB (seconds at alliance scale), and the
 * tile cache only helps the second viewer. The warmer loads every shared tile at boot, so the
 * first manager after a deploy does not wait, and again before the cache would stop serving them
 * while the dashboard is in use, so a quiet half hour does not make the next viewer wait either.
 * Personal tiles are not warmed: they read one user's rows, which the database finds quickly.
 */

/**
 * The pause between warm-ups: on FerretDB one refresh of the shared tiles reads whole
 * collections, so the database gets five quiet minutes between them. A warmed value is then
 * never older than this pause plus one warm-up, inside the shared tiles' ttl.
 */
export const WARM_EVERY_MS = 5 * 60_000;
/** Keep warming for this long after the last dashboard view; an idle instance leaves the database alone. */
export const WARM_WHILE_VIEWED_WITHIN_MS = 60 * 60_000;

let lastViewAt = 0;
let timer: NodeJS.Timeout | undefined;
let running: Promise<number> | undefined;
let stopped = false;
let started = false;

export function noteDashboardView(at = Date.now()): void {
  lastViewAt = at;
}

/** A viewer of this role for the shared tiles, which by definition do not depend on who views. */
function standIn(role: Role): Express.User {
  return {
    _id: new Types.ObjectId('000000000000000000000000'),
    email: '',
    name: '',
    role,
    desks: [],
    locale: config.defaultLocale,
    timeZone: config.defaultTimeZone,
  };
}

/**
 * Loads each shared tile once per cache key (every role and language, the office time zone),
 * one after another so the warmer never crowds out users. Resolves to the number of keys warmed;
 * a tile that fails is logged and skipped (its viewers then see the tile's own error box).
 */
export function warmSharedTiles(now = new Date()): Promise<number> {
  running ??= (async () => {
    const seen = new Set<string>();
    for (const role of ROLES) {
      for (const locale of LOCALES) {
        const ctx: TileContext = {
          user: standIn(role),
          now,
          locale,
          timeZone: config.defaultTimeZone,
          t: translator(locale),
        };
        for (const tile of dashboardTilesFor({ role })) {
          const key = tile.cache?.scope === 'shared' ? tileCacheKey(tile, ctx) : null;
          if (stopped) return seen.size;
          if (!key || seen.has(key)) continue;
          seen.add(key);
          await loadTileFresh(tile, ctx).catch((err: unknown) => {
            if (!stopped) logger.warn({ err, tile: tile.key }, 'warming a dashboard tile failed');
          });
        }
      }
    }
    return seen.size;
  })().finally(() => (running = undefined));
  return running;
}

/**
 * Warms now, then again WARM_EVERY_MS after each warm-up ends, while the dashboard was viewed
 * within the last hour (the boot counts as a view, so the first warm-up is not wasted on an hour
 * without visitors). Waiting from the end rather than a fixed beat matters on FerretDB at alliance
 * scale, where one warm-up took 4 to 11.5 minutes: the database gets a pause between them.
 * Resolves when the first warm-up has finished, with the number of tile values loaded (0 when it
 * failed or the warmer was already running); it never rejects.
 */
export function startTileWarmer(): Promise<number> {
  if (started) return Promise.resolve(0);
  started = true;
  stopped = false;
  noteDashboardView();
  const warm = (): Promise<number> =>
    warmSharedTiles().then(
      (keys) => {
        logger.debug({ keys }, 'dashboard tiles warmed');
        return keys;
      },
      (err: unknown) => {
        logger.warn({ err }, 'warming the dashboard tiles failed');
        return 0;
      },
    );
  const scheduleNext = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      const viewed = Date.now() - lastViewAt < WARM_WHILE_VIEWED_WITHIN_MS;
      void (viewed ? warm() : Promise.resolve(0)).then(scheduleNext);
    }, WARM_EVERY_MS);
    timer.unref();
  };
  return warm().then((keys) => {
    scheduleNext();
    return keys;
  });
}

/**
 * Stops warming: no further tile starts. A load in progress is not waited for (at alliance scale
 * one can take longer than the shutdown grace); closing the database ends it, quietly.
 */
export function stopTileWarmer(): void {
  stopped = true;
  started = false;
  clearTimeout(timer);
  timer = undefined;
}

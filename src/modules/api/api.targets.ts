import type { Request, Response } from 'express';
import { decodeCursor, encodeCursor, type Page } from '../../lib/cursor.js';
import { ForbiddenError } from '../../lib/errors.js';
import { auditContext } from '../audit/index.js';
import {
  canEnterActuals,
  createMarket,
  findMarket,
  marketProgress,
  monthlyFigures,
  monthlyShares,
  pathForMonth,
  planOverview,
  saveYear,
  toMonthMap,
  updateMarket,
  yearFigures,
  type ActualsApiInput,
  type Market,
  type MarketInput,
} from '../targets/index.js';
import { created, id, user, type Doc } from './api.controller.js';
import { listBody, presentMarket } from './api.present.js';

export const MARKETS_PAGE_SIZE = 50;
const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

type WithProgress = { market: Market; direction: string; progress: unknown };

function presentProgress(row: Doc): Doc {
  const mp = row as unknown as WithProgress;
  return {
    ...presentMarket(mp.market as unknown as Doc),
    direction: mp.direction,
    progress: JSON.parse(JSON.stringify(mp.progress)) as unknown,
  };
}

// Markets: every reader of the plan sees every market with its progress (as on /targets), in
// pair order, and the totals for all, inbound and outbound markets.
export async function marketsIndex(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as { after?: string };
  const cursor = decodeCursor(query.after || undefined);
  const overview = await planOverview();
  const rest = cursor
    ? overview.markets.filter((m) => m.market.pairKey > String(cursor.v))
    : overview.markets;
  const rows = rest.slice(0, MARKETS_PAGE_SIZE);
  const last = rows.at(-1);
  const page: Page<Doc> = {
    rows: rows as unknown as Doc[],
    next:
      rest.length > MARKETS_PAGE_SIZE && last
        ? encodeCursor({ v: last.market.pairKey, id: last.market._id.toHexString() })
        : undefined,
  };
  res.json({
    ...listBody(req, page, presentProgress, query as Doc),
    totals: overview.totals,
    asOf: overview.asOf,
  });
}

export async function marketsShow(req: Request, res: Response): Promise<void> {
  const mp = await marketProgress(id(req));
  res.json({ data: presentProgress(mp as unknown as Doc) });
}

export async function marketsCreate(req: Request, res: Response): Promise<void> {
  const market = await createMarket(req.valid.body as MarketInput, user(req), auditContext(req));
  created(res, `/api/v1/targets/${market._id.toHexString()}`, presentMarket(market as unknown as Doc));
}

export async function marketsUpdate(req: Request, res: Response): Promise<void> {
  const market = await updateMarket(id(req), req.valid.body as MarketInput, user(req), auditContext(req));
  res.json({ data: presentMarket(market as unknown as Doc) });
}

/** One year of a market's figures, month → visitors (null: none recorded), and the path per month. */
async function yearBody(market: Market, year: number): Promise<Doc> {
  const [figures, all] = await Promise.all([yearFigures(market._id, year), monthlyFigures([market._id])]);
  const shares = monthlyShares(market, toMonthMap(all.get(market._id.toHexString()) ?? []));
  return {
    market: market._id.toHexString(),
    year,
    months: Object.fromEntries(MONTHS.map((m) => [String(m), figures[m - 1] ?? null])),
    path: Object.fromEntries(MONTHS.map((m) => [String(m), pathForMonth(market, shares, year, m)])),
  };
}

// Actuals: the month grid's permission and row scope (managers any market, coordinators the
// markets they own).
export async function actualsShow(req: Request, res: Response): Promise<void> {
  const market = await findMarket(id(req));
  if (!canEnterActuals(user(req), market)) throw new ForbiddenError();
  const { year } = req.valid.query as { year?: number };
  res.json({ data: await yearBody(market, year ?? new Date().getUTCFullYear()) });
}

export async function actualsUpdate(req: Request, res: Response): Promise<void> {
  const { year, months } = req.valid.body as ActualsApiInput;
  // Only the months sent change: a client updating March must not wipe the rest of the year.
  const market = await findMarket(id(req));
  const stored = await yearFigures(market._id, year);
  const values = MONTHS.map((m) => {
    const sent = months[String(m)];
    return sent === undefined ? (stored[m - 1] ?? null) : sent === '' ? null : sent;
  });
  const { changed } = await saveYear(id(req), year, values, user(req), auditContext(req));
  res.json({ data: { ...(await yearBody(market, year)), changed } });
}

import type { Types } from 'mongoose';
import {
  ActualModel,
  MarketModel,
  pairKey,
  toYearMonth,
  type Market,
} from '../../src/modules/targets/index.js';

export interface MarketOverrides {
  origin?: string;
  destination?: string;
  baselineYear?: number;
  baselineVisitors?: number;
  multiplier?: number;
  targetYear?: number;
  owner?: Types.ObjectId | null;
  notes?: string | null;
}

export function buildMarket(overrides: MarketOverrides = {}) {
  const base = {
    origin: 'TH',
    destination: 'CN-CQ',
    baselineYear: 2024,
    baselineVisitors: 120_000,
    multiplier: 2,
    targetYear: 2027,
    owner: null,
    notes: null,
    ...overrides,
  };
  return { ...base, pairKey: pairKey(base.origin, base.destination) };
}

export async function createMarket(overrides: MarketOverrides = {}): Promise<Market> {
  const doc = await MarketModel.create(buildMarket(overrides));
  return doc.toObject() as Market;
}

/** Inserts monthly figures: { 202401: 10000, … }. */
export async function createActuals(market: Types.ObjectId, figures: Record<number, number>): Promise<void> {
  await ActualModel.insertMany(
    Object.entries(figures).map(([key, visitors]) => {
      const ym = Number(key);
      const year = Math.floor(ym / 100);
      const month = ym % 100;
      return { market, year, month, yearMonth: toYearMonth(year, month), visitors, source: 'seed' };
    }),
  );
}

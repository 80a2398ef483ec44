import { UserModel } from '../../src/modules/users/index.js';
import { ActualModel, MarketModel, pairKey, toYearMonth } from '../../src/modules/targets/index.js';

// The Doubling Plan's demo markets: four countries, both directions. Baseline 2023, doubled by
// 2027 (18.9% a year needed); each market grows at its own pace so the statuses differ.
const MARKETS: {
  origin: string;
  destination: string;
  baseline: number;
  growth: number;
  owner?: string;
  notes?: string;
}[] = [
  {
    origin: 'TH',
    destination: 'CN-CQ',
    baseline: 180_000,
    growth: 0.24,
    owner: 'coordinator.th@alliance.example',
    notes: 'Direct flights Bangkok–Chongqing daily since 2024.',
  },
  {
    origin: 'CN-CQ',
    destination: 'TH',
    baseline: 420_000,
    growth: 0.2,
    owner: 'coordinator.th@alliance.example',
  },
  {
    origin: 'VN',
    destination: 'CN-CQ',
    baseline: 95_000,
    growth: 0.17,
    owner: 'coordinator@alliance.example',
  },
  {
    origin: 'CN-CQ',
    destination: 'VN',
    baseline: 260_000,
    growth: 0.21,
    owner: 'coordinator@alliance.example',
  },
  {
    origin: 'SG',
    destination: 'CN-CQ',
    baseline: 60_000,
    growth: 0.09,
    notes: 'Visa-free entry from 2024 not yet reflected in promotion.',
  },
  { origin: 'CN-CQ', destination: 'SG', baseline: 150_000, growth: 0.16 },
  { origin: 'MY', destination: 'CN-CQ', baseline: 70_000, growth: 0.12 },
  { origin: 'CN-CQ', destination: 'MY', baseline: 190_000, growth: 0.22 },
];

const BASELINE_YEAR = 2023;
const TARGET_YEAR = 2027;
const MONTHS = 36;
// Share of a year per month (×12): Spring Festival in February, summer holidays, Golden Week.
const SEASON = [0.95, 1.25, 0.85, 0.9, 0.95, 0.95, 1.15, 1.2, 0.9, 1.15, 0.85, 0.9];

/** A small deterministic noise (±4%), so reseeding writes the same figures. */
function noise(i: number, month: number): number {
  const x = Math.sin(i * 97.13 + month * 13.7) * 10_000;
  return 1 + (x - Math.floor(x) - 0.5) * 0.08;
}

export async function seedTargets(now = new Date()): Promise<void> {
  // 36 months ending with last month.
  const end = now.getUTCFullYear() * 12 + now.getUTCMonth() - 1;
  for (const [i, spec] of MARKETS.entries()) {
    const key = pairKey(spec.origin, spec.destination);
    let market = await MarketModel.findOne({ pairKey: key }).lean();
    if (!market) {
      const owner = spec.owner ? await UserModel.findOne({ email: spec.owner }, { _id: 1 }).lean() : null;
      const doc = await MarketModel.create({
        origin: spec.origin,
        destination: spec.destination,
        pairKey: key,
        baselineYear: BASELINE_YEAR,
        baselineVisitors: spec.baseline,
        multiplier: 2,
        targetYear: TARGET_YEAR,
        owner: owner?._id ?? null,
        notes: spec.notes ?? null,
      });
      market = doc.toObject();
    }
    // Insert-only: months already there (seeded or entered since) are left as they are.
    const have = new Set(
      (await ActualModel.find({ market: market._id }, { yearMonth: 1 }).lean()).map((a) => a.yearMonth),
    );
    const missing = [];
    for (let idx = end - MONTHS + 1; idx <= end; idx++) {
      const year = Math.floor(idx / 12);
      const month = (idx % 12) + 1;
      if (have.has(toYearMonth(year, month))) continue;
      const years = year - BASELINE_YEAR + (month - 6.5) / 12;
      const visitors = Math.round(
        ((spec.baseline * (1 + spec.growth) ** years * SEASON[month - 1]!) / 12) * noise(i, idx),
      );
      missing.push({
        market: market._id,
        year,
        month,
        yearMonth: toYearMonth(year, month),
        visitors,
        source: 'seed',
      });
    }
    if (missing.length) await ActualModel.insertMany(missing, { ordered: false });
  }
}

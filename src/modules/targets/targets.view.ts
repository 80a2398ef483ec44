import { countryName, countryOptions } from '../../lib/countries.js';
import type { Translate } from '../../lib/i18n.js';
import type { Locale } from '../../config/index.js';
import { CHONGQING, type Market } from './market.model.js';
import type { MarketProgress } from './targets.service.js';

/** A market code in the reader's language: a country's name, or Chongqing. */
export function codeName(code: string, locale: Locale, t: Translate): string {
  return code === CHONGQING ? t('targets.chongqing') : countryName(code, locale);
}

export function marketLabel(m: Pick<Market, 'origin' | 'destination'>, locale: Locale, t: Translate): string {
  return `${codeName(m.origin, locale, t)} → ${codeName(m.destination, locale, t)}`;
}

/** Chongqing first, then every country by name. */
export function marketCodeOptions(locale: Locale, t: Translate): { value: string; label: string }[] {
  return [
    { value: '', label: t('targets.chooseCode') },
    { value: CHONGQING, label: `${t('targets.chongqing')} (${CHONGQING})` },
    ...countryOptions(locale),
  ];
}

export function numberFormats(locale: Locale) {
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  return {
    num: (v: number | null | undefined) =>
      v == null || !Number.isFinite(v) ? '—' : int.format(Math.round(v)),
    pct: (v: number | null | undefined) => (v == null || !Number.isFinite(v) ? '—' : pct.format(v)),
    /** A growth rate with its sign: +12.5% / −3.0%. */
    growth: (v: number | null | undefined) =>
      v == null || !Number.isFinite(v) ? '—' : `${v > 0 ? '+' : ''}${pct.format(v)}`,
  };
}

export interface PairRow {
  key: string;
  label: string;
  /** X → Chongqing (or, for a pair without Chongqing, the alphabetically first direction). */
  inbound: MarketProgress | null;
  outbound: MarketProgress | null;
  withChongqing: boolean;
}

/** Markets paired with their reverse direction, one row per pair, sorted by name. */
export function pairRows(markets: MarketProgress[], locale: Locale, t: Translate): PairRow[] {
  const rows = new Map<string, PairRow>();
  for (const mp of markets) {
    const { origin, destination } = mp.market;
    const [a, b] = [origin, destination].sort() as [string, string];
    const key = `${a}|${b}`;
    const withChongqing = a === CHONGQING || b === CHONGQING;
    const other = a === CHONGQING ? b : a;
    const row = rows.get(key) ?? {
      key,
      label: withChongqing
        ? codeName(other, locale, t)
        : `${codeName(a, locale, t)} ↔ ${codeName(b, locale, t)}`,
      inbound: null,
      outbound: null,
      withChongqing,
    };
    const first = withChongqing ? destination === CHONGQING : origin === a;
    if (first) row.inbound = mp;
    else row.outbound = mp;
    rows.set(key, row);
  }
  const collator = new Intl.Collator(locale);
  return [...rows.values()].sort(
    (x, y) =>
      Number(!x.withChongqing) - Number(!y.withChongqing) ||
      collator.compare(x.label, y.label) ||
      x.key.localeCompare(y.key),
  );
}

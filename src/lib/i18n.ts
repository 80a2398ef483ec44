import i18next, { type TFunction } from 'i18next';
import { LOCALES, type Locale } from '../config/index.js';
import { en } from '../locales/en.js';
import { zhCN } from '../locales/zh-CN.js';

const instance = i18next.createInstance();
void instance.init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LOCALES],
  // EJS escapes on output; escaping here too would double-escape.
  interpolation: { escapeValue: false },
  initAsync: false,
});

export type Translate = TFunction;

const fixed = new Map<Locale, TFunction>(LOCALES.map((l) => [l, instance.getFixedT(l)]));

export function translator(locale: Locale): TFunction {
  return fixed.get(locale) ?? fixed.get('en')!;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withTime}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone,
      dateStyle: 'medium',
      ...(withTime ? { timeStyle: 'short' } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

/** Dates are stored in UTC and shown in the viewer's time zone. */
export function formatDate(
  value: Date | string | number | null | undefined,
  locale: Locale,
  timeZone: string,
  withTime = true,
): string {
  if (value == null || value === '') return '';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return formatter(locale, timeZone, withTime).format(d);
}

function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Midnight at the start of a calendar day (YYYY-MM-DD) in a time zone, as a UTC instant. */
export function startOfDayInZone(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - zoneOffsetMs(guess, timeZone);
  // A second pass settles days whose offset differs from the guess's (DST changes).
  return new Date(guess - zoneOffsetMs(first, timeZone));
}

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

import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';
import type { Locale } from '../config/index.js';

const require = createRequire(import.meta.url);
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
countries.registerLocale(require('i18n-iso-countries/langs/zh.json'));

const LANG: Record<Locale, string> = { en: 'en', 'zh-CN': 'zh' };

/** ISO 3166-1 alpha-2, upper case. */
export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

export function countryName(code: string | null | undefined, locale: Locale): string {
  if (!code) return '';
  return countries.getName(code, LANG[locale], { select: 'official' }) ?? code;
}

const optionCache = new Map<Locale, { value: string; label: string }[]>();

/** Every country as select options, sorted by name in the user's language. */
export function countryOptions(locale: Locale): { value: string; label: string }[] {
  let options = optionCache.get(locale);
  if (!options) {
    const names = countries.getNames(LANG[locale], { select: 'official' });
    const collator = new Intl.Collator(locale);
    options = Object.entries(names)
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => collator.compare(a.label, b.label));
    optionCache.set(locale, options);
  }
  return options;
}

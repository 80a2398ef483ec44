/** ISO 4217 codes the runtime knows (Node ships the full list), with the alliance's own first. */
const ALL = new Set(Intl.supportedValuesOf('currency'));

export const COMMON_CURRENCIES = [
  'CNY',
  'USD',
  'THB',
  'VND',
  'SGD',
  'MYR',
  'IDR',
  'LAK',
  'KHR',
  'EUR',
] as const;

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && ALL.has(code);
}

export function currencyOptions(): string[] {
  const common = new Set<string>(COMMON_CURRENCIES);
  return [...COMMON_CURRENCIES, ...[...ALL].filter((c) => !common.has(c)).sort()];
}

/** Sums money without float drift: amounts are kept to 2 decimals (minor units where they exist). */
export function addMoney(a: number, b: number): number {
  return Math.round((a + b) * 100) / 100;
}

import { isCountryCode } from '../../lib/countries.js';
import { Joi, objectId } from '../../lib/validation.js';
import { CHONGQING } from './market.model.js';

export const YEAR_MIN = 2000;
export const YEAR_MAX = 2100;
export const VISITORS_MAX = 1_000_000_000;

/** An ISO 3166-1 alpha-2 country, or CN-CQ for Chongqing (upper-cased). */
export function isMarketCode(code: unknown): code is string {
  return code === CHONGQING || isCountryCode(code);
}

const code = () =>
  Joi.string()
    .trim()
    .uppercase()
    .max(5)
    .custom((v: string, helpers) => (isMarketCode(v) ? v : helpers.error('any.invalid')));

const year = () => Joi.number().integer().min(YEAR_MIN).max(YEAR_MAX);

/** One market as the form and the API send it. */
export const marketFields = {
  origin: code().required(),
  destination: code().required().invalid(Joi.ref('origin')),
  baselineYear: year().required(),
  baselineVisitors: Joi.number().integer().min(1).max(VISITORS_MAX).required(),
  multiplier: Joi.number().min(1.01).max(100).empty('').default(2),
  targetYear: year().required().greater(Joi.ref('baselineYear')),
  owner: objectId().allow('', null).empty(['', null]).default(null),
  notes: Joi.string().trim().max(2000).allow('', null).empty(['', null]).default(null),
};

export const marketSchema = Joi.object(marketFields);

export interface MarketInput {
  origin: string;
  destination: string;
  baselineYear: number;
  baselineVisitors: number;
  multiplier: number;
  targetYear: number;
  owner: string | null;
  notes: string | null;
}

export const MONTH_FIELDS = Array.from({ length: 12 }, (_, i) => `m${i + 1}`);

/**
 * The month grid posts one text box per month; the numbers are read by parseGrid (service) so
 * the messages can say what is wrong (negative, not a whole number). Extra keys (m13) are rejected.
 */
export const gridSchema = Joi.object({
  year: year().required(),
  ...Object.fromEntries(MONTH_FIELDS.map((f) => [f, Joi.string().trim().max(20).allow('').default('')])),
});

export const gridQuery = Joi.object({ year: year().empty('') });

/**
 * The month grid as the API sends it: a year and month number → visitors. As in the grid,
 * the year is replaced as a whole: a month that is null, blank or left out has no figure.
 */
export const actualsApiSchema = Joi.object({
  year: year().required(),
  months: Joi.object(
    Object.fromEntries(
      MONTH_FIELDS.map((_, i) => [
        String(i + 1),
        // null or "" removes the month's figure; a month left out keeps what is stored.
        Joi.number().integer().min(0).max(VISITORS_MAX).allow(null, ''),
      ]),
    ),
  ).default({}),
});

export interface ActualsApiInput {
  year: number;
  months: Record<string, number | null | ''>;
}

/** One row of an actuals CSV. */
export const actualRowSchema = Joi.object({
  origin: code().required(),
  destination: code().required(),
  year: year().required(),
  month: Joi.number().integer().min(1).max(12).required(),
  visitors: Joi.number().integer().min(0).max(VISITORS_MAX).required(),
});

export interface ActualRow {
  origin: string;
  destination: string;
  year: number;
  month: number;
  visitors: number;
}

export const importSchema = Joi.object({
  mode: Joi.string().valid('preview', 'apply').default('preview'),
  createMissing: Joi.boolean().truthy('1', 'on').falsy('0', '').default(false),
});

export const marketListQuery = Joi.object({
  after: Joi.string().max(300).allow(''),
});

export const marketIdParams = Joi.object({ id: objectId().required() });

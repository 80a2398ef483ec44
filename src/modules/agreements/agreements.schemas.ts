import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ValidationError } from '../../lib/errors.js';
import type { Translate } from '../../lib/i18n.js';
import { countryFilter, fieldErrors, Joi, objectId } from '../../lib/validation.js';
import { CATEGORIES, type Category } from './agreement.model.js';
import { isCurrency } from './currencies.js';
import { parseDay } from './dates.js';
import { STAGES, type Stage } from './stages.js';
import { PARTNER_TYPES } from '../partners/index.js';

export const NOTES_MAX = 5000;
export const NOTE_MAX = 2000;
export const PARTNERS_MAX = 50;
export const AMOUNT_MAX = 1e13;

/** A calendar day as <input type="date"> sends it (YYYY-MM-DD), or empty. */
const day = () =>
  Joi.string()
    .trim()
    .allow('', null)
    .empty(['', null])
    .custom((v: string, helpers) => {
      const date = parseDay(v);
      if (!date || date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 2200)
        return helpers.error('date.base');
      return v;
    })
    .default(null);

const ids = (max: number) =>
  Joi.alternatives()
    .try(Joi.array().items(objectId()).max(max), objectId().allow(''))
    .custom((v: string | string[]) => [...new Set((Array.isArray(v) ? v : [v]).filter(Boolean))]);

const multiline = (max: number) =>
  Joi.string().replace(/\r\n?/g, '\n').trim().max(max).allow('', null).empty(['', null]).default(null);

/** One agreement as the form and the API send it. Dates stay YYYY-MM-DD strings; the service parses them. */
export const agreementSchema = Joi.object({
  title: Joi.string().trim().min(1).max(200).required(),
  category: Joi.string()
    .valid(...CATEGORIES)
    .required(),
  partners: ids(PARTNERS_MAX).default([]),
  owner: objectId().allow('', null).empty(['', null]).default(null),
  valueAmount: Joi.number().max(AMOUNT_MAX).allow('', null).empty(['', null]).default(null),
  valueCurrency: Joi.string().trim().uppercase().allow('', null).empty(['', null]).default(null),
  expectedSignAt: day(),
  signedAt: day(),
  effectiveFrom: day(),
  expiresAt: day(),
  event: objectId().allow('', null).empty(['', null]).default(null),
  notes: multiline(NOTES_MAX),
  // The partner picker's search box travels with the form; it is not stored. The picker's
  // button sends intent=findPartners: the form comes back with matches, nothing is saved.
  pq: Joi.string().allow('').max(100),
  intent: Joi.string().valid('save', 'findPartners', ''),
});

export interface AgreementInput {
  title: string;
  category: Category;
  partners: string[];
  owner: string | null;
  valueAmount: number | null;
  valueCurrency: string | null;
  expectedSignAt: string | null;
  signedAt: string | null;
  effectiveFrom: string | null;
  expiresAt: string | null;
  event: string | null;
  notes: string | null;
  pq?: string;
  intent?: string;
}

/** The rules a schema cannot say field by field; messages are translation keys. */
export function crossFieldErrors(v: Partial<AgreementInput>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.partners || v.partners.length === 0) errors.partners = 'agreements.errors.partnersRequired';
  if (v.valueAmount != null && v.valueAmount < 0) errors.valueAmount = 'agreements.errors.negativeValue';
  if (v.valueCurrency != null && !isCurrency(v.valueCurrency))
    errors.valueCurrency = 'agreements.errors.currency';
  else if (v.valueAmount != null && v.valueCurrency == null)
    errors.valueCurrency = 'agreements.errors.currencyRequired';
  const start = v.effectiveFrom ? parseDay(v.effectiveFrom) : null;
  const end = v.expiresAt ? parseDay(v.expiresAt) : null;
  if (start && end && end.getTime() <= start.getTime()) errors.expiresAt = 'agreements.errors.endBeforeStart';
  return errors;
}

/**
 * validate() for the agreement form with every error at once: Joi's field errors plus the
 * cross-field ones, in the reader's language (422 re-renders the form with the values kept).
 */
export function validateAgreement(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const t = res.locals.t as Translate;
    const body: Record<string, unknown> = { ...(req.body as Record<string, unknown> | undefined) };
    delete body._csrf;
    const { error, value } = agreementSchema.validate(body, {
      abortEarly: false,
      allowUnknown: false,
      convert: true,
      errors: { wrap: { label: false } },
    });
    const errors: Record<string, string> = error ? fieldErrors(error, t) : {};
    const partial = (value ?? {}) as Partial<AgreementInput>;
    for (const [field, key] of Object.entries(crossFieldErrors(partial))) {
      // A non-numeric amount is already reported; the partners list may be an invalid id.
      if (!errors[field]) errors[field] = t(key);
    }
    if (Object.keys(errors).length) return next(new ValidationError(errors));
    req.valid ??= {};
    req.valid.body = value;
    next();
  };
}

/** GET /agreements/new may be opened from a partner or an event page with that link filled in. */
export const newQuery = Joi.object({
  partner: objectId().allow(''),
  event: objectId().allow(''),
});

export const stageSchema = Joi.object({
  to: Joi.string()
    .valid(...STAGES)
    .required(),
  note: multiline(NOTE_MAX),
  signedAt: day(),
  effectiveFrom: day(),
  expiresAt: day(),
  // What the user saw: a change decided on an older state is refused (409), not applied.
  fromStage: Joi.string()
    .valid(...STAGES)
    .required(),
  version: Joi.number().integer().min(0).required(),
  back: Joi.string().max(2000).allow(''),
});

export interface StageInput {
  to: Stage;
  note: string | null;
  signedAt: string | null;
  effectiveFrom: string | null;
  expiresAt: string | null;
  fromStage: Stage;
  version: number;
  back?: string;
}

export const stageQuery = Joi.object({ to: Joi.string().valid(...STAGES, '') });

const dayFilter = () =>
  Joi.string()
    .trim()
    .allow('')
    .custom((v: string, helpers) => (!v || parseDay(v) ? v : helpers.error('date.base')))
    .default('');

export const agreementListQuery = Joi.object({
  q: Joi.string().trim().max(100).allow('').default(''),
  stage: Joi.string()
    .valid(...STAGES, 'open', '')
    .default(''),
  category: Joi.string()
    .valid(...CATEGORIES, '')
    .default(''),
  partner: objectId().allow('').default(''),
  country: countryFilter(),
  partnerType: Joi.string()
    .valid(...PARTNER_TYPES, '')
    .default(''),
  owner: Joi.alternatives()
    .try(Joi.string().valid('mine', 'none', ''), objectId())
    .default(''),
  event: objectId().allow('').default(''),
  signedFrom: dayFilter(),
  signedTo: dayFilter(),
  expiresFrom: dayFilter(),
  expiresTo: dayFilter(),
  after: Joi.string().max(300).allow(''),
});

export interface AgreementListFilter {
  q: string;
  stage: Stage | 'open' | '';
  category: Category | '';
  partner: string;
  country: string;
  partnerType: string;
  owner: string;
  event: string;
  signedFrom: string;
  signedTo: string;
  expiresFrom: string;
  expiresTo: string;
  after?: string;
}

export const boardQuery = Joi.object({
  category: Joi.string()
    .valid(...CATEGORIES, '')
    .default(''),
  owner: Joi.alternatives()
    .try(Joi.string().valid('mine', 'none', ''), objectId())
    .default(''),
  event: objectId().allow('').default(''),
});

export interface BoardFilter {
  category: Category | '';
  owner: string;
  event: string;
}

export const metricsQuery = Joi.object({
  from: dayFilter(),
  to: dayFilter(),
  stuckDays: Joi.number().integer().min(1).max(3650).default(30),
});

export interface MetricsQuery {
  from: string;
  to: string;
  stuckDays: number;
}

export const attachmentParams = Joi.object({ id: objectId().required(), fileId: objectId().required() });

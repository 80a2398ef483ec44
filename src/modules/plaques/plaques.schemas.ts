import { Joi, objectId, countryFilter } from '../../lib/validation.js';
import { PLAQUE_KINDS, PLAQUE_STATUSES, type PlaqueKind, type PlaqueStatus } from './plaque.model.js';
import { parseDay } from './dates.js';
import { SERIAL_PATTERN } from './serial.js';

/** A calendar day as <input type="date"> sends it (YYYY-MM-DD), between 1900 and 2200. */
const day = () =>
  Joi.string()
    .trim()
    .custom((v: string, helpers) => {
      const date = parseDay(v);
      if (!date || date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 2200)
        return helpers.error('date.base');
      return v;
    });

/**
 * One award as the form and the API send it. Eligibility (kind × partner type) and
 * "valid until not before awarded" are checked by the service, so messages can name the rule.
 */
export const plaqueFields = {
  kind: Joi.string()
    .valid(...PLAQUE_KINDS)
    .required(),
  partner: objectId().required(),
  event: objectId().allow('', null).empty(['', null]).default(null),
  awardedAt: day().required(),
  validUntil: day().required(),
  notes: Joi.string()
    .replace(/\r\n?/g, '\n')
    .trim()
    .max(2000)
    .allow('', null)
    .empty(['', null])
    .default(null),
};

export const plaqueApiSchema = Joi.object(plaqueFields);

// The form also carries the partner picker's search text, so a rejected award shows the same list.
export const plaqueSchema = Joi.object({
  ...plaqueFields,
  pq: Joi.string().trim().max(100).allow('').default(''),
});

export interface PlaqueInput {
  kind: PlaqueKind;
  partner: string;
  event: string | null;
  awardedAt: string;
  validUntil: string;
  notes: string | null;
  pq?: string;
}

export const revokeSchema = Joi.object({
  reason: Joi.string().replace(/\r\n?/g, '\n').trim().min(1).max(1000).required(),
});

export interface RevokeInput {
  reason: string;
}

export const plaqueListQuery = Joi.object({
  kind: Joi.string()
    .valid(...PLAQUE_KINDS, '')
    .default(''),
  status: Joi.string()
    .valid(...PLAQUE_STATUSES, '')
    .default(''),
  country: countryFilter(),
  event: objectId().allow('').default(''),
  partner: objectId().allow('').default(''),
  year: Joi.number().integer().min(1900).max(2200).allow('').empty('').default(null),
  after: Joi.string().max(300).allow(''),
});

export interface PlaqueListFilter {
  kind: PlaqueKind | '';
  status: PlaqueStatus | '';
  country: string;
  event: string;
  partner: string;
  year: number | null;
  after?: string;
}

/** The award form's own parameters: a kind, the partner search, or a partner/event to start from. */
export const newPlaqueQuery = Joi.object({
  kind: Joi.string()
    .valid(...PLAQUE_KINDS, '')
    .default(''),
  pq: Joi.string().trim().max(100).allow('').default(''),
  partner: objectId().allow('').default(''),
  event: objectId().allow('').default(''),
});

export interface NewPlaqueQuery {
  kind: PlaqueKind | '';
  pq: string;
  partner: string;
  event: string;
}

export const plaqueIdParams = Joi.object({ id: objectId().required() });

/** A malformed serial names no plaque: the verify page answers 404 as for an unknown one. */
export const serialParams = Joi.object({
  serial: Joi.string().trim().uppercase().max(40).pattern(SERIAL_PATTERN).required(),
});

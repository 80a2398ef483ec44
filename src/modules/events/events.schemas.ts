import { isCountryCode } from '../../lib/countries.js';
import { Joi, objectId, countryFilter } from '../../lib/validation.js';
import { parseDay } from './dates.js';

const optionalText = (max: number) =>
  Joi.string().trim().max(max).allow('', null).empty(['', null]).default(null);

/** A calendar day as <input type="date"> sends it: YYYY-MM-DD. */
const day = () =>
  Joi.string()
    .trim()
    .custom((v: string, helpers) => {
      const date = parseDay(v);
      if (!date || date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 2200)
        return helpers.error('date.base');
      return v;
    });

export const DESCRIPTION_MAX = 5000;

/**
 * One event as the form, an import row and the API send it. "Ends before it starts" is
 * checked by the service, so the message can name the rule.
 */
export const eventFields = {
  name: Joi.string().trim().min(1).max(200).required(),
  nameLocal: optionalText(200),
  startsAt: day().required(),
  endsAt: day().allow('', null).empty(['', null]).default(null),
  city: optionalText(100),
  country: Joi.string()
    .trim()
    .uppercase()
    .allow('', null)
    .empty(['', null])
    .custom((v: string, helpers) => (isCountryCode(v) ? v : helpers.error('country.invalid')))
    .messages({ 'country.invalid': 'must be an ISO 3166-1 country code' })
    .default(null),
  // Browsers send CRLF from a textarea; one line break counts as one character.
  description: Joi.string()
    .replace(/\r\n?/g, '\n')
    .trim()
    .max(DESCRIPTION_MAX)
    .allow('', null)
    .empty(['', null])
    .default(null),
};

export const eventSchema = Joi.object(eventFields);

export interface EventInput {
  name: string;
  nameLocal: string | null;
  startsAt: string;
  endsAt: string | null;
  city: string | null;
  country: string | null;
  description: string | null;
}

/** Checkbox groups post one string for one box and an array for several. */
const ids = (max: number) => Joi.array().items(objectId()).single().unique().min(1).max(max).required();

export const ATTACH_MAX = 200;
// The picker's own search (pq) and partner choice (cp) ride along, so a rejected choice is
// shown again with the same list.
export const attachPartnersSchema = Joi.object({
  partnerIds: ids(ATTACH_MAX),
  pq: Joi.string().trim().max(100).allow('').default(''),
});
export const attachContactsSchema = Joi.object({
  contactIds: ids(ATTACH_MAX),
  cp: objectId().allow('').default(''),
});

export const EVENT_WHEN = ['upcoming', 'past'] as const;

export const eventListQuery = Joi.object({
  q: Joi.string().trim().max(100).allow(''),
  country: countryFilter(),
  year: Joi.number().integer().min(1900).max(2200).allow('').empty('').default(null),
  when: Joi.string()
    .valid(...EVENT_WHEN, '')
    .default(''),
  partner: objectId().allow('').default(''),
  after: Joi.string().max(300).allow(''),
});

export interface EventListFilter {
  q?: string;
  country: string;
  year: number | null;
  when: (typeof EVENT_WHEN)[number] | '';
  partner: string;
  after?: string;
}

/**
 * The event page's own parameters: `pq` searches partners to attach, `cp` narrows the contact
 * picker to one partner. Sections registered by other features read their own parameters.
 */
export const eventPageQuery = Joi.object({
  pq: Joi.string().trim().max(100).allow('').default(''),
  cp: objectId().allow('').default(''),
}).unknown(true);

export interface EventPageQuery {
  pq: string;
  cp: string;
  [key: string]: unknown;
}

export const eventIdParams = Joi.object({ id: objectId().required() });
export const eventPartnerParams = Joi.object({ id: objectId().required(), partnerId: objectId().required() });
export const eventContactParams = Joi.object({ id: objectId().required(), contactId: objectId().required() });

import { ALLIANCE_STATUSES, PARTNER_TYPES } from './partner.model.js';
import { isCountryCode } from '../../lib/countries.js';
import { Joi, objectId, countryFilter } from '../../lib/validation.js';
import { normaliseWebsite, parseTags } from './normalise.js';

const optionalText = (max: number) =>
  Joi.string().trim().max(max).allow('', null).empty(['', null]).default(null);

export const TAG_MAX = 40;
export const TAGS_MAX = 20;

/** One partner as the form, the import row and the API send it (SPEC field names). */
export const partnerFields = {
  name: Joi.string().trim().min(1).max(200).required(),
  nameLocal: optionalText(200),
  type: Joi.string()
    .valid(...PARTNER_TYPES)
    .required(),
  country: Joi.string()
    .trim()
    .uppercase()
    .custom((v: string, helpers) => (isCountryCode(v) ? v : helpers.error('country.invalid')))
    .messages({ 'country.invalid': 'must be an ISO 3166-1 country code' })
    .required(),
  city: optionalText(100),
  website: Joi.string()
    .trim()
    .max(300)
    .allow('', null)
    .custom((v: string, helpers) => {
      if (!v) return null;
      return normaliseWebsite(v) ?? helpers.error('website.invalid');
    })
    .messages({ 'website.invalid': 'must be a web address (https://…)' })
    .default(null),
  email: Joi.string()
    .trim()
    .lowercase()
    .email({ tlds: false })
    .max(254)
    .allow('', null)
    .empty(['', null])
    .default(null),
  phone: Joi.string()
    .trim()
    .max(50)
    .pattern(/^[0-9+()\-.\s/]*(?:(?:ext|x)\.?\s*\d+)?$/i)
    .allow('', null)
    .empty(['', null])
    .default(null),
  allianceStatus: Joi.string()
    .valid(...ALLIANCE_STATUSES)
    .default('prospect'),
  tags: Joi.alternatives()
    .try(Joi.array().items(Joi.string().max(TAG_MAX)), Joi.string().allow('').max(1000))
    .custom((v: string | string[], helpers) => {
      const tags = parseTags(v);
      if (tags.length > TAGS_MAX) return helpers.error('tags.tooMany');
      if (tags.some((t) => t.length > TAG_MAX)) return helpers.error('tags.tooLong');
      return tags;
    })
    .messages({
      'tags.tooMany': `at most ${TAGS_MAX} tags`,
      'tags.tooLong': `a tag has at most ${TAG_MAX} characters`,
    })
    .default([]),
  owner: objectId().allow('', null).empty(['', null]).default(null),
};

export const partnerSchema = Joi.object({ ...partnerFields, confirmDuplicate: Joi.string().valid('1', '') });

export interface PartnerInput {
  name: string;
  nameLocal: string | null;
  type: (typeof PARTNER_TYPES)[number];
  country: string;
  city: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  allianceStatus: (typeof ALLIANCE_STATUSES)[number];
  tags: string[];
  owner: string | null;
  confirmDuplicate?: string;
}

export const PARTNER_SORTS = ['name', 'lastInteraction', 'created'] as const;
export type PartnerSort = (typeof PARTNER_SORTS)[number];

/** The list filters; the export takes the same ones so a filtered view exports as shown. */
export const partnerListQuery = Joi.object({
  q: Joi.string().trim().max(100).allow(''),
  type: Joi.string()
    .valid(...PARTNER_TYPES, '')
    .default(''),
  country: countryFilter(),
  status: Joi.string()
    .valid(...ALLIANCE_STATUSES, '')
    .default(''),
  owner: Joi.alternatives()
    .try(Joi.string().valid('mine', 'none', ''), objectId())
    .default(''),
  tag: Joi.string().trim().max(TAG_MAX).allow('').default(''),
  archived: Joi.string().valid('no', 'yes', 'all').default('no'),
  sort: Joi.string()
    .valid(...PARTNER_SORTS)
    .default('name'),
  after: Joi.string().max(300).allow(''),
});

export interface PartnerListFilter {
  q?: string;
  type: string;
  country: string;
  status: string;
  owner: string;
  tag: string;
  archived: 'no' | 'yes' | 'all';
  sort: PartnerSort;
  after?: string;
}

export const ownerSchema = Joi.object({ owner: objectId().allow('').empty('').default(null) });

export const bulkSchema = Joi.object({
  ids: Joi.alternatives()
    .try(Joi.array().items(objectId()).min(1).max(500), objectId())
    .custom((v: string | string[]) => (Array.isArray(v) ? v : [v]))
    .required(),
  operation: Joi.string().valid('owner', 'tag').required(),
  owner: objectId().allow('').empty('').default(null),
  tag: Joi.string()
    .trim()
    .max(TAG_MAX)
    .allow('')
    .when('operation', { is: 'tag', then: Joi.string().min(1).required() }),
  back: Joi.string().max(2000).allow(''),
});

export const MERGE_CHOICES = ['keep', 'take', 'both'] as const;

export const mergeQuery = Joi.object({
  q: Joi.string().trim().max(100).allow(''),
  otherId: objectId().allow(''),
});

export const mergeSchema = Joi.object({
  otherId: objectId().required(),
  ...Object.fromEntries(
    [
      'name',
      'nameLocal',
      'type',
      'country',
      'city',
      'website',
      'email',
      'phone',
      'allianceStatus',
      'tags',
      'owner',
    ].map((f) => [
      f,
      Joi.string()
        .valid(...MERGE_CHOICES)
        .default('keep'),
    ]),
  ),
});

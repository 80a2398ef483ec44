import { isCountryCode } from '../../lib/countries.js';
import { Joi, objectId } from '../../lib/validation.js';
import { PARTNER_TYPES } from '../partners/index.js';
import { CASE_CATEGORIES, PRIORITIES, type Priority } from './desk.model.js';
import { ASSIGNMENT_MODES, type AssignmentMode } from './routing-rule.model.js';

/** An IANA zone the runtime's Intl knows (what due times are shown in). */
export function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const timeZone = Joi.string()
  .trim()
  .max(64)
  .custom((v: string, helpers) => (isTimeZone(v) ? v : helpers.error('any.invalid')));

/** SLA hours: positive, at most a year, in steps of 0.25 h (15 minutes). */
const hours = Joi.number().positive().max(8760).precision(2);

/** Form field names of the SLA grid: lowAckHours, lowResolveHours, normalAckHours… */
export const slaField = (priority: Priority, kind: 'ack' | 'resolve') =>
  `${priority}${kind === 'ack' ? 'Ack' : 'Resolve'}Hours`;

const slaKeys = Object.fromEntries(
  PRIORITIES.flatMap((p) => [
    [slaField(p, 'ack'), hours.required()],
    [slaField(p, 'resolve'), hours.required()],
  ]),
);

const idList = Joi.array().items(objectId()).single().max(500).default([]);

export const deskSchema = Joi.object({
  name: Joi.string().trim().min(1).max(80).required(),
  timeZone: timeZone.required(),
  members: idList,
  lead: objectId().allow('').empty('').default(null),
  isDefault: Joi.string().valid('1').allow('').empty('').default(null),
  raiseOnBreach: Joi.string().valid('1').allow('').empty('').default(null),
  ...slaKeys,
});

export interface DeskInput {
  name: string;
  timeZone: string;
  members: string[];
  lead: string | null;
  isDefault: '1' | null;
  raiseOnBreach: '1' | null;
  [slaField: string]: unknown;
}

const upperCountries = Joi.array()
  .items(
    Joi.string()
      .trim()
      .uppercase()
      .custom((v: string, helpers) => (isCountryCode(v) ? v : helpers.error('any.invalid'))),
  )
  .single()
  .max(300)
  .default([]);

export const ruleSchema = Joi.object({
  name: Joi.string().trim().min(1).max(120).required(),
  incidentCountry: upperCountries,
  originCountry: upperCountries,
  category: Joi.array()
    .items(Joi.string().valid(...CASE_CATEGORIES))
    .single()
    .default([]),
  partnerType: Joi.array()
    .items(Joi.string().valid(...PARTNER_TYPES))
    .single()
    .default([]),
  desk: objectId().required(),
  assignment: Joi.string()
    .valid(...ASSIGNMENT_MODES)
    .required(),
  enabled: Joi.string().valid('1').allow('').empty('').default(null),
});

export interface RuleInput {
  name: string;
  incidentCountry: string[];
  originCountry: string[];
  category: string[];
  partnerType: string[];
  desk: string;
  assignment: AssignmentMode;
  enabled: '1' | null;
}

export const moveSchema = Joi.object({ direction: Joi.string().valid('up', 'down').required() });

/** The "test this rule set" form: sample case facts, each optional. */
export const routeTestQuery = Joi.object({
  incidentCountry: Joi.string()
    .trim()
    .uppercase()
    .allow('')
    .custom((v: string, helpers) => (!v || isCountryCode(v) ? v : helpers.error('any.invalid')))
    .default(''),
  originCountry: Joi.string()
    .trim()
    .uppercase()
    .allow('')
    .custom((v: string, helpers) => (!v || isCountryCode(v) ? v : helpers.error('any.invalid')))
    .default(''),
  category: Joi.string()
    .valid(...CASE_CATEGORIES)
    .allow('')
    .default(''),
  partnerType: Joi.array()
    .items(Joi.string().valid(...PARTNER_TYPES))
    .single()
    .default([]),
});

export interface RouteTestInput {
  incidentCountry: string;
  originCountry: string;
  category: string;
  partnerType: string[];
}

export const deskListQuery = Joi.object({
  state: Joi.string().valid('active', 'archived', 'all').allow('').default('active'),
  after: Joi.string().max(200).allow(''),
});

import { countryFilter, Joi, objectId } from '../../lib/validation.js';
import { isCountryCode } from '../../lib/countries.js';
import { isDay } from '../../lib/local-time.js';
import {
  CASE_CATEGORIES,
  CASE_CHANNELS,
  CASE_PRIORITIES,
  CASE_STATUSES,
  DESCRIPTION_MAX,
  NOTE_MAX,
  PARTNERS_MAX,
  RESOLUTION_CODES,
  type CaseCategory,
  type CaseChannel,
  type CasePriority,
  type CaseStatus,
  type ResolutionCode,
} from './case.model.js';

const country = () =>
  Joi.string()
    .trim()
    .uppercase()
    .max(2)
    .custom((v: string, helpers) => (isCountryCode(v) ? v : helpers.error('any.only')));

const day = () =>
  Joi.string()
    .trim()
    .max(10)
    .custom((v: string, helpers) => (isDay(v) ? v : helpers.error('date.base')));

/** Browsers send CRLF line breaks: count each as one character, as the user sees it. */
const longText = (max: number) =>
  Joi.string()
    .trim()
    .custom((v: string) => v.replace(/\r\n?/g, '\n'))
    .max(max);

const version = () => Joi.number().integer().min(1).required();

export const intakeSchema = Joi.object({
  channel: Joi.string()
    .valid(...CASE_CHANNELS)
    .required(),
  complainantName: Joi.string().trim().max(200).required(),
  complainantContact: Joi.string().trim().max(300).allow('').default(''),
  complainantNationality: country().allow('').default(''),
  originCountry: country().required(),
  incidentCountry: country().required(),
  incidentCity: Joi.string().trim().max(120).allow('').default(''),
  incidentDate: day().required(),
  category: Joi.string()
    .valid(...CASE_CATEGORIES)
    .required(),
  partners: Joi.array().items(objectId()).single().max(PARTNERS_MAX).default([]),
  description: longText(DESCRIPTION_MAX).required(),
  priority: Joi.string()
    .valid(...CASE_PRIORITIES)
    .default('normal'),
  // The form's partner search: "search" re-shows the form with matches instead of saving.
  pq: Joi.string().trim().max(100).allow('').default(''),
  intent: Joi.string().valid('save', 'search').default('save'),
});

export interface IntakeInput {
  channel: CaseChannel;
  complainantName: string;
  complainantContact: string;
  complainantNationality: string;
  originCountry: string;
  incidentCountry: string;
  incidentCity: string;
  /** A calendar day in the user's zone. */
  incidentDate: string;
  category: CaseCategory;
  partners: string[];
  description: string;
  priority: CasePriority;
  pq: string;
  intent: 'save' | 'search';
}

export const CASE_SCOPES = ['mine', 'desks', 'all', 'logged'] as const;
export type CaseScope = (typeof CASE_SCOPES)[number];
export const BREACH_FILTERS = [
  'breached',
  'ack_breached',
  'resolve_breached',
  'at_risk',
  'on_track',
] as const;
export type BreachFilter = (typeof BREACH_FILTERS)[number];

export const caseListQuery = Joi.object({
  scope: Joi.string()
    .valid(...CASE_SCOPES, '')
    .default(''),
  status: Joi.string()
    .valid(...CASE_STATUSES, 'open', '')
    .default(''),
  priority: Joi.string()
    .valid(...CASE_PRIORITIES, '')
    .default(''),
  desk: objectId().allow('').default(''),
  category: Joi.string()
    .valid(...CASE_CATEGORIES, '')
    .default(''),
  originCountry: countryFilter(),
  incidentCountry: countryFilter(),
  partner: objectId().allow('').default(''),
  breach: Joi.string()
    .valid(...BREACH_FILTERS, '')
    .default(''),
  openedFrom: day().allow('').default(''),
  openedTo: day().allow('').default(''),
  incidentFrom: day().allow('').default(''),
  incidentTo: day().allow('').default(''),
  after: Joi.string().max(300).allow('').default(''),
});

export interface CaseListQuery {
  scope: CaseScope | '';
  status: CaseStatus | 'open' | '';
  priority: CasePriority | '';
  desk: string;
  category: CaseCategory | '';
  originCountry: string;
  incidentCountry: string;
  partner: string;
  breach: BreachFilter | '';
  openedFrom: string;
  openedTo: string;
  incidentFrom: string;
  incidentTo: string;
  after: string;
}

export const acknowledgeSchema = Joi.object({ version: version() });
export const assignSchema = Joi.object({ version: version(), assignee: objectId().required() });
export const statusSchema = Joi.object({
  version: version(),
  status: Joi.string()
    .valid(...CASE_STATUSES)
    .required(),
});
export const noteSchema = Joi.object({
  version: version(),
  note: longText(NOTE_MAX).required(),
  visibility: Joi.string().valid('internal', 'external').default('internal'),
  partnerContacted: Joi.string().valid('1', '').default(''),
});
export const linkPartnersSchema = Joi.object({
  version: version(),
  partners: Joi.array().items(objectId()).single().min(1).max(PARTNERS_MAX).required(),
});
export const prioritySchema = Joi.object({
  version: version(),
  priority: Joi.string()
    .valid(...CASE_PRIORITIES)
    .required(),
});
export const resolveSchema = Joi.object({
  version: version(),
  resolutionCode: Joi.string()
    .valid(...RESOLUTION_CODES)
    .required(),
  resolutionText: longText(NOTE_MAX).required(),
});
export const closeSchema = Joi.object({ version: version() });
export const reopenSchema = Joi.object({ version: version(), reason: longText(NOTE_MAX).required() });
export const transferSchema = Joi.object({
  version: version(),
  toDesk: objectId().required(),
  transferNote: longText(NOTE_MAX).required(),
});

export interface ResolveInput {
  resolutionCode: ResolutionCode;
  resolutionText: string;
}

export const showQuery = Joi.object({ pq: Joi.string().trim().max(100).allow('').default('') });

export const reportQuery = Joi.object({
  period: Joi.string().valid('4w', '12w', '26w', '52w', 'custom').default('12w'),
  from: day().allow('').default(''),
  to: day().allow('').default(''),
});

export interface ReportQuery {
  period: '4w' | '12w' | '26w' | '52w' | 'custom';
  from: string;
  to: string;
}

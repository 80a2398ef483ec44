import { isCountryCode } from '../../lib/countries.js';
import { Joi, objectId } from '../../lib/validation.js';
import { PARTNER_TYPES } from '../partners/index.js';
import { CONTACTS_MAX, INTERACTION_KINDS, SUMMARY_MAX, type InteractionKind } from './interaction.model.js';
import { isDay, isLocalDateTime } from '../../lib/local-time.js';

/** A wall-clock time as a datetime-local input sends it ("2026-03-01T09:30"). */
export const localDateTime = () =>
  Joi.string()
    .trim()
    .max(25)
    .custom((v: string, helpers) => (isLocalDateTime(v) ? v.replace(' ', 'T') : helpers.error('date.base')));

/** A calendar day as a date input sends it (Joi's isoDate() would rewrite it to a timestamp). */
export const day = () =>
  Joi.string()
    .trim()
    .max(10)
    .custom((v: string, helpers) => (isDay(v) ? v : helpers.error('date.base')));

/** A path inside this app to go back to after a form ("/follow-ups?state=done"); never another site. */
export const localPath = () =>
  Joi.string()
    .trim()
    .max(500)
    .pattern(/^\/(?![/\\])[^\s]*$/);

const summary = Joi.string()
  .trim()
  // Browsers send CRLF line breaks: count each as one character, as the user sees it.
  .custom((v: string) => v.replace(/\r\n?/g, '\n'))
  .max(SUMMARY_MAX)
  .required();

export const interactionSchema = Joi.object({
  kind: Joi.string()
    .valid(...INTERACTION_KINDS)
    .required(),
  occurredAt: localDateTime().allow('').default(''),
  contacts: Joi.array().items(objectId()).single().max(CONTACTS_MAX).default([]),
  summary,
  event: objectId().allow('').default(''),
  followUpAt: day().allow('').default(''),
  followUpAssignee: objectId().allow('').default(''),
});

export interface InteractionInput {
  kind: InteractionKind;
  /** Local wall-clock time in the user's zone, or '' for now. */
  occurredAt: string;
  contacts: string[];
  summary: string;
  /** Event id or ''. */
  event: string;
  /** Local calendar day or ''. */
  followUpAt: string;
  /** User id or '' (the user themselves). */
  followUpAssignee: string;
}

export const interactionListQuery = Joi.object({
  by: Joi.alternatives().try(Joi.string().valid('me', ''), objectId()).default(''),
  kind: Joi.string()
    .valid(...INTERACTION_KINDS, '')
    .default(''),
  partnerType: Joi.string()
    .valid(...PARTNER_TYPES, '')
    .default(''),
  partnerCountry: Joi.string()
    .trim()
    .uppercase()
    .max(2)
    .custom((v: string, helpers) => (!v || isCountryCode(v) ? v : helpers.error('any.invalid')))
    .allow('')
    .default(''),
  partner: objectId().allow('').default(''),
  from: day().allow('').default(''),
  to: day().allow('').default(''),
  after: Joi.string().max(300).allow('').default(''),
});

export interface InteractionListQuery {
  by: string;
  kind: InteractionKind | '';
  partnerType: string;
  partnerCountry: string;
  partner: string;
  from: string;
  to: string;
  after: string;
}

export const followUpListQuery = Joi.object({
  state: Joi.string().valid('open', 'done').default('open'),
  assignee: Joi.alternatives().try(Joi.string().valid('me', 'all'), objectId()).default('me'),
  after: Joi.string().max(300).allow('').default(''),
});

export interface FollowUpListQuery {
  state: 'open' | 'done';
  assignee: string;
  after: string;
}

export const followUpDoneSchema = Joi.object({ next: localPath().allow('').default('') });

export const rescheduleSchema = Joi.object({
  followUpAt: day().required(),
  next: localPath().allow('').default(''),
});

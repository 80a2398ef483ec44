import Joi from 'joi';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Types } from 'mongoose';
import { BadRequestError, NotFoundError, ValidationError, type FieldErrors } from './errors.js';
import { isCountryCode } from './countries.js';
import type { Translate } from './i18n.js';

export { Joi };

/** A 24-hex ObjectId as a string; anything else is a field error, never a query operator. */
export const objectId = () =>
  Joi.string()
    .trim()
    .custom((v: string, helpers) =>
      Types.ObjectId.isValid(v) && /^[0-9a-f]{24}$/i.test(v) ? v : helpers.error('objectId'),
    )
    .messages({ objectId: '{{#label}} must be a valid id' });

/** Maps a Joi error type to our translation key (so messages exist in every locale). */
function messageKey(type: string): string {
  if (type === 'any.required') return 'validation.required';
  if (type === 'string.empty' || type === 'array.includesRequiredUnknowns') return 'validation.empty';
  if (type === 'string.email') return 'validation.email';
  if (type === 'string.min' || type === 'array.min') return 'validation.min';
  if (type === 'string.max' || type === 'array.max') return 'validation.max';
  if (type === 'any.only') return 'validation.only';
  if (type.startsWith('number.')) return 'validation.number';
  if (type.startsWith('date.')) return 'validation.date';
  if (type === 'objectId') return 'validation.objectId';
  if (type === 'object.unknown') return 'validation.unknown';
  if (type === 'string.pattern.base') return 'validation.pattern';
  if (type === 'password.common') return 'validation.commonPassword';
  return 'validation.invalid';
}

/** Joi error → one message per field, translated when a translator is given. */
export function fieldErrors(error: Joi.ValidationError, t?: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const d of error.details) {
    const field = d.path.length ? d.path.join('.') : String(d.context?.key ?? '_');
    if (out[field]) continue;
    out[field] = t ? t(messageKey(d.type), { limit: d.context?.limit }) : d.message.replace(/"/g, '');
  }
  return out;
}

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  allowUnknown: false,
  stripUnknown: false,
  convert: true,
  errors: { wrap: { label: false } },
};

/** Validates plain data (import rows, API bodies) with the same rules as forms. */
export function check<T>(schema: Joi.Schema<T>, data: unknown, t?: Translate): T {
  const { error, value } = schema.validate(data, OPTIONS);
  if (error) throw new ValidationError(fieldErrors(error, t));
  return value;
}

export interface Schemas {
  body?: Joi.Schema;
  query?: Joi.Schema;
  params?: Joi.Schema;
}

/**
 * One validation middleware: every error at once, unknown keys rejected. Clean values go to
 * req.valid. A bad body is a 422 (the form re-renders, see lib/forms); a bad query or id is a 400/404.
 */
export function validate(schemas: Schemas): RequestHandler & { schemas: Schemas } {
  const handler = (req: Request, res: Response, next: NextFunction) => {
    req.valid ??= {};
    if (schemas.params) {
      const { error, value } = schemas.params.validate(req.params, OPTIONS);
      // A malformed id names no record: answer as for a missing one.
      if (error) return next(new NotFoundError());
      req.valid.params = value;
    }
    if (schemas.query) {
      const { error, value } = schemas.query.validate(req.query, OPTIONS);
      if (error) return next(new BadRequestError('Invalid query parameters', fieldErrors(error)));
      req.valid.query = value;
    }
    if (schemas.body) {
      const body: Record<string, unknown> = { ...(req.body as Record<string, unknown> | undefined) };
      delete body._csrf;
      const { error, value } = schemas.body.validate(body, OPTIONS);
      if (error) return next(new ValidationError(fieldErrors(error, res.locals.t as Translate | undefined)));
      req.valid.body = value;
    }
    next();
  };
  // Kept on the handler so the route table (and the generated security tests) can read them.
  return Object.assign(handler, { schemas });
}

export const idParams = Joi.object({ id: objectId().required() });

/** A list filter on an ISO 3166-1 country: empty for any, else a known code (upper-cased). */
export const countryFilter = () =>
  Joi.string()
    .trim()
    .uppercase()
    .custom((v: string, helpers) => (!v || isCountryCode(v) ? v : helpers.error('any.invalid')))
    .allow('')
    .default('');

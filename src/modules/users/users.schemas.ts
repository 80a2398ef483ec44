import { LOCALES } from '../../config/index.js';
import { ROLES } from '../../lib/permissions.js';
import { Joi, objectId } from '../../lib/validation.js';
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from './password.js';

const timeZone = Joi.string()
  .max(64)
  .custom((v: string, helpers) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: v });
      return v;
    } catch {
      return helpers.error('any.invalid');
    }
  });

export const password = Joi.string()
  .min(PASSWORD_MIN)
  .max(PASSWORD_MAX)
  .custom((v: string, helpers) => (passwordProblem(v) ? helpers.error('password.common') : v))
  .messages({ 'password.common': 'password is too common' });

export const email = Joi.string().trim().lowercase().email({ tlds: false }).max(254);
export const name = Joi.string().trim().min(1).max(120);

export const createUserSchema = Joi.object({
  email: email.required(),
  name: name.required(),
  role: Joi.string()
    .valid(...ROLES)
    .required(),
  locale: Joi.string()
    .valid(...LOCALES)
    .default('en'),
  timeZone: timeZone.allow('').empty(''),
  password: password.required(),
  desks: Joi.array().items(objectId()).single().max(100).default([]),
});

export const setupSchema = Joi.object({
  name: name.required(),
  email: email.required(),
  password: password.required(),
});

export const updateUserSchema = Joi.object({
  name: name.required(),
  role: Joi.string()
    .valid(...ROLES)
    .required(),
  locale: Joi.string()
    .valid(...LOCALES)
    .required(),
  timeZone: timeZone.required(),
  // Desk checkboxes: none ticked sends nothing, which means no (live) desk.
  desks: Joi.array().items(objectId()).single().max(100).default([]),
});

export const resetPasswordSchema = Joi.object({ password: password.required() });

export const profileSchema = Joi.object({
  name: name.required(),
  locale: Joi.string()
    .valid(...LOCALES)
    .required(),
  timeZone: timeZone.required(),
});

export const changePasswordSchema = Joi.object({
  currentPassword: Joi.string().max(PASSWORD_MAX).required(),
  newPassword: password.required(),
});

export const listUsersQuery = Joi.object({
  q: Joi.string().trim().max(100).allow(''),
  role: Joi.string()
    .valid(...ROLES)
    .allow(''),
  state: Joi.string().valid('active', 'disabled', '').default(''),
  after: Joi.string().max(200).allow(''),
});

export const userIdParams = Joi.object({ id: objectId().required() });

export interface CreateUserInput {
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  locale: (typeof LOCALES)[number];
  timeZone?: string;
  password: string;
  /** Complaint desks to join (live desks only); the CLI and setup leave it empty. */
  desks?: string[];
}

export interface UpdateUserInput {
  name: string;
  role: (typeof ROLES)[number];
  locale: (typeof LOCALES)[number];
  timeZone: string;
  desks: string[];
}

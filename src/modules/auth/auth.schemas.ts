import { LOCALES } from '../../config/index.js';
import { Joi } from '../../lib/validation.js';

// Login accepts any string so the form never says which addresses are valid; length-bounded.
export const loginSchema = Joi.object({
  email: Joi.string().trim().max(254).required(),
  password: Joi.string().max(256).required(),
  next: Joi.string().max(2000).allow(''),
});

export const loginQuery = Joi.object({
  next: Joi.string().max(2000).allow(''),
  expired: Joi.string().valid('1'),
});

export const localeSchema = Joi.object({
  locale: Joi.string()
    .valid(...LOCALES)
    .required(),
  next: Joi.string().max(2000).allow(''),
});

import { Joi } from '../../lib/validation.js';

export const tokenSchema = Joi.object({ name: Joi.string().trim().min(1).max(100).required() });
export interface TokenInput {
  name: string;
}

import { Joi } from '../../lib/validation.js';
import { DUPLICATE_MODES } from './imports.service.js';

/** The import form besides its file: the dry-run checkbox and what to do with duplicates. */
export const importFormSchema = Joi.object({
  dryRun: Joi.boolean().truthy('1', 'on', 'yes').falsy('0', '', 'no').default(false),
  duplicates: Joi.string()
    .valid(...DUPLICATE_MODES)
    .default('skip'),
});

import { Joi } from '../../lib/validation.js';
import { DUPLICATE_MODES } from './imports.core.js';

const checkbox = Joi.boolean().truthy('1', 'on', 'yes').falsy('0', '', 'no').default(false);

/** The import form besides its file: dry run, all or nothing, what to do with duplicates. */
export const importFormSchema = Joi.object({
  dryRun: checkbox,
  allOrNothing: checkbox,
  duplicates: Joi.string()
    .valid(...DUPLICATE_MODES)
    .default('skip'),
});

export const batchListQuery = Joi.object({ after: Joi.string().max(300).allow('') });

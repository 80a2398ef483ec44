import { Joi } from '../../lib/validation.js';
import { EXPORT_FORMATS } from './export-job.model.js';

const columns = Joi.alternatives()
  .try(Joi.array().items(Joi.string().max(60)).max(100), Joi.string().max(2000).allow(''))
  .custom((v: string | string[]) =>
    (Array.isArray(v) ? v : v.split(',')).map((c) => c.trim()).filter(Boolean),
  )
  .default([]);

/** The export's own options; every other query key is one of the list's filters. */
export const exportOptionsSchema = Joi.object({
  columns,
  headers: Joi.string().valid('keys', 'labels').default('keys'),
  background: Joi.string().valid('1', 'on', ''),
});

/** The dialog's POST: options, format and what to do (download now or prepare in background). */
export const exportFormSchema = exportOptionsSchema.keys({
  format: Joi.string()
    .valid(...EXPORT_FORMATS)
    .default('csv'),
  mode: Joi.string().valid('download', 'background').default('download'),
});

/** Keys the export options take; the rest of a query goes to the list's filter schema. */
export const OPTION_KEYS = ['columns', 'headers', 'background', 'format', 'mode', '_csrf', 'after'];

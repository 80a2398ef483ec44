import './entities/partners.js';
import './entities/contacts.js';
import './entities/agreements.js';
import './entities/plaques.js';
import './entities/cases.js';
import './entities/interactions.js';
import './entities/targets.js';

export {
  registerExport,
  exportDefinition,
  exportDefinitions,
  type ExportColumn,
  type ExportDefinition,
  type ExportSource,
} from './registry.js';
export { ExportJobModel, type ExportJob } from './export-job.model.js';
export { BACKGROUND_THRESHOLD, writeExport, type ExportOptions } from './exports.service.js';
export {
  DOWNLOAD_DAYS,
  JOB_RUN_EXPORT,
  JOB_SWEEP_EXPORTS,
  runExportJob,
  sweepExports,
} from './export-jobs.service.js';
export { PARTNER_COLUMNS } from './entities/partners.js';
export { CONTACT_COLUMNS } from './entities/contacts.js';
export { defineExportJobs } from './exports.jobs.js';
export { exportsRouter } from './exports.routes.js';

import './entities/partners.js';
import './entities/contacts.js';

export {
  headerKey,
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ROWS,
  type ImportReport,
  type RowReport,
} from './imports.core.js';
export { importPartners } from './imports.service.js';
export { PARTNER_IMPORT_COLUMNS } from './entities/partners.js';
export { CONTACT_IMPORT_COLUMNS } from './entities/contacts.js';
export { ImportBatchModel, ImportItemModel, type ImportBatch } from './import-batch.model.js';
export {
  JOB_RUN_IMPORT,
  JOB_SWEEP_IMPORTS,
  runImportJob,
  sweepImports,
  setBackgroundThreshold,
} from './import-jobs.service.js';
export { JOB_UNDO_IMPORT, runUndoJob, setUndoInlineLimit, undoBatch } from './batches.service.js';
export { defineImportJobs } from './imports.jobs.js';
export { decodeText, readCsv, readXlsx } from './table.js';
export { importsRouter } from './imports.routes.js';

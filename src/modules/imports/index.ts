export {
  importPartners,
  headerKey,
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ROWS,
  PARTNER_IMPORT_COLUMNS,
  type ImportReport,
  type RowReport,
} from './imports.service.js';
export { decodeText, readCsv, readXlsx } from './table.js';
export { importsRouter } from './imports.routes.js';

export { AuditEntryModel, type AuditEntry } from './audit.model.js';
export {
  auditContext,
  diffFields,
  recordAudit,
  SYSTEM,
  type AuditContext,
  type AuditRecord,
  type Change,
} from './audit.service.js';
export { auditRouter } from './audit.routes.js';

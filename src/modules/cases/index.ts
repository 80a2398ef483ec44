import './cases.tiles.js';
import { registerDeskOpenCaseTotal, registerOpenCaseCounter } from '../desks/index.js';
import { registerPartnerLink, registerPartnerSection } from '../partners/index.js';
import { loadPartnerCases, moveCases } from './cases.partner.js';
import { openCasesOfDesk, openCasesPerUser } from './cases.service.js';

// Cases hang off partners and desks through their registries (they never import us).
registerPartnerSection({ key: 'cases', order: 40, view: 'cases/partner-section', load: loadPartnerCases });
registerPartnerLink({ name: 'cases', move: moveCases });
registerOpenCaseCounter(openCasesPerUser);
registerDeskOpenCaseTotal(openCasesOfDesk);

export {
  CaseModel,
  CASE_CATEGORIES,
  CASE_CHANNELS,
  CASE_PRIORITIES,
  CASE_STATUSES,
  OPEN_STATUSES,
  RESOLUTION_CODES,
  type ComplaintCase,
  type CaseStatus,
  type CasePriority,
} from './case.model.js';
export { caseAccess, type CaseAccess } from './case-access.js';
export {
  acknowledgeSchema,
  assignSchema,
  caseListQuery,
  closeSchema,
  intakeSchema,
  linkPartnersSchema,
  noteSchema,
  prioritySchema,
  reopenSchema,
  resolveSchema,
  statusSchema,
  transferSchema,
  type CaseListQuery,
  type ResolveInput,
  type IntakeInput,
} from './cases.schemas.js';
export { caseSla, derivedDue, weekKey } from './case-clock.js';
export { canTransition, TRANSITIONS, REOPEN_WINDOW_MS } from './transitions.js';
export {
  auditRestrictedView,
  buildCaseQuery,
  caseNumber,
  createCase,
  findCaseFor,
  listCases,
  LIST_FIELDS as CASE_LIST_FIELDS,
} from './cases.service.js';
export {
  acknowledgeCase,
  addNote,
  assignCase,
  changePriority,
  changeStatus,
  closeCase,
  linkPartners,
  reopenCase,
  resolveCase,
  transferCase,
} from './case-actions.service.js';
export { caseReport, median, reportPeriod } from './reports.service.js';
export {
  backfillOpenKey,
  defineCaseJobs,
  dueFilter,
  escalateCases,
  JOB_ESCALATE_CASES,
} from './cases.jobs.js';
export { casesRouter } from './cases.routes.js';

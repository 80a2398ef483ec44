import './agreements.partner.js';
import './agreements.tiles.js';

export {
  AgreementModel,
  AgreementClaimModel,
  CATEGORIES,
  type Agreement,
  type Category,
  type StageChange,
} from './agreement.model.js';
export {
  STAGES,
  TRANSITIONS,
  OPEN_STAGES,
  TERMINAL_STAGES,
  allowedNext,
  checkTransition,
  checkStageInvariants,
  isAllowed,
  isBackward,
  needsNote,
  type Stage,
} from './stages.js';
export {
  buildAgreementQuery,
  LIST_FIELDS as AGREEMENT_LIST_FIELDS,
  type AgreementRow,
  changeStage,
  createAgreement,
  findAgreement,
  listAgreements,
  loadBoard,
  movePartnerInAgreements,
  officeToday,
  renewAgreement,
  titleKey,
  updateAgreement,
} from './agreements.service.js';
export {
  pipelineMetrics,
  median,
  stageStays,
  quartersBetween,
  type PipelineMetrics,
} from './agreements.metrics.js';
export {
  defineAgreementJobs,
  expireAgreements,
  expiryNotice,
  remindAgreements,
  JOB_AGREEMENT_EXPIRY,
  JOB_AGREEMENT_REMINDERS,
} from './agreements.jobs.js';
export { quarterOf, parseDay, dayString } from './dates.js';
export {
  agreementListQuery,
  agreementSchema,
  crossFieldErrors,
  stageSchema,
  type AgreementInput,
  type AgreementListFilter,
  type StageInput,
} from './agreements.schemas.js';
export { isCurrency } from './currencies.js';
export { agreementsRouter } from './agreements.routes.js';
// The page's and the API's guard: another owner's agreement is refused before its body is judged.
export { requireEditable } from './agreements.controller.js';

import './agreements.partner.js';

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
  changeStage,
  createAgreement,
  findAgreement,
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
export { isCurrency } from './currencies.js';
export { agreementsRouter } from './agreements.routes.js';

export {
  DeskModel,
  PRIORITIES,
  CASE_CATEGORIES,
  deskNameKey,
  type Desk,
  type Priority,
  type CaseCategory,
  type SlaPolicy,
} from './desk.model.js';
export {
  RoutingRuleModel,
  ASSIGNMENT_MODES,
  type AssignmentMode,
  type RoutingRule,
} from './routing-rule.model.js';
export {
  registerOpenCaseCounter,
  registerDeskOpenCaseTotal,
  type OpenCaseCounter,
  type DeskOpenCaseTotal,
} from './case-counter.js';
export {
  defaultDesk,
  deskLeads,
  deskMemberIds,
  deskNames,
  deskOfficers,
  desksOfUser,
  findDesk,
  listDesks,
  slaDueDates,
} from './desks.service.js';
export { routeCase, ruleMatches, type CaseFacts, type RouteResult } from './routing.service.js';
export * as sla from './sla.js';
export {
  AT_RISK_SHARE,
  HOUR_MS,
  ackStatus,
  dueDatesFrom,
  pauseClock,
  recomputeClock,
  restartResolveClock,
  resolveStatus,
  resumeClock,
  startClock,
  windowStatus,
  type SlaClock,
  type SlaHours,
  type SlaState,
  type WindowInput,
  type WindowStatus,
} from './sla.js';
export { explainRoute, type RouteExplanation, type RuleOutcome } from './routing.service.js';
export { desksRouter, routingRouter } from './desks.routes.js';
export {
  archiveProblem,
  createDesk,
  listDeskPage,
  setDeskArchived,
  updateDesk,
  type DeskListFilter,
  type DeskRow,
} from './desks.admin.service.js';
export {
  createRule,
  deleteRule,
  findRule,
  moveRule,
  orderedRules,
  setRuleEnabled,
  updateRule,
} from './routing.service.js';
export { isTimeZone, type DeskInput, type RuleInput } from './desks.schemas.js';

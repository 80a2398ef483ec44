import { registerEventSection } from '../events/index.js';
import { onPartnerUpdated, registerPartnerLink, registerPartnerSection } from '../partners/index.js';
import { loadEventInteractions, loadPartnerTimeline } from './extensions.js';
import { moveInteractions, syncPartnerFacts } from './interactions.service.js';

// Interactions hang off partners and events through their registries (they never import us).
registerPartnerSection({
  key: 'timeline',
  order: 20,
  view: 'interactions/partner-section',
  load: loadPartnerTimeline,
});
registerPartnerLink({ name: 'interactions', move: moveInteractions });
onPartnerUpdated(syncPartnerFacts);
registerEventSection({
  key: 'interactions',
  order: 20,
  view: 'interactions/event-section',
  load: loadEventInteractions,
});

export {
  InteractionModel,
  INTERACTION_KINDS,
  type Interaction,
  type InteractionKind,
} from './interaction.model.js';
export {
  canDeleteInteraction,
  canEditInteraction,
  createInteraction,
  deleteInteraction,
  findInteraction,
  buildInteractionQuery,
  interactionFilter,
  listInteractions,
  namesFor as interactionNames,
  refreshLastInteraction,
  ROW_FIELDS as INTERACTION_ROW_FIELDS,
  type InteractionRow,
  updateInteraction,
} from './interactions.service.js';
export {
  canChangeFollowUp,
  listFollowUps,
  markFollowUpDone,
  rescheduleFollowUp,
} from './follow-ups.service.js';
export {
  backfillReminderFlags,
  claimReminder,
  defineFollowUpJobs,
  JOB_REMIND_FOLLOW_UPS,
  remindDueFollowUps,
} from './follow-ups.jobs.js';
export {
  interactionSchema,
  interactionListQuery,
  type InteractionInput,
  type InteractionListQuery,
} from './interactions.schemas.js';
export { localDateTimeToUtc, toLocalDateTimeInput, toLocalDay } from '../../lib/local-time.js';
export { followUpsRouter, interactionsRouter, partnerInteractionsRouter } from './interactions.routes.js';

import { registerEventSection } from '../events/index.js';
import { onPartnerUpdated, registerPartnerLink, registerPartnerSection } from '../partners/index.js';
import { loadEventPlaques, loadPartnerPlaques } from './plaques.extensions.js';
import { movePlaques, syncPartnerCountry } from './plaques.service.js';

// Plaques hang off partners and events through their registries (they never import us).
registerPartnerSection({
  key: 'plaques',
  order: 50,
  view: 'plaques/partner-section',
  load: loadPartnerPlaques,
});
registerPartnerLink({ name: 'plaques', move: movePlaques });
onPartnerUpdated(syncPartnerCountry);
registerEventSection({ key: 'plaques', order: 30, view: 'plaques/event-section', load: loadEventPlaques });

export {
  PlaqueModel,
  PLAQUE_KINDS,
  PLAQUE_STATUSES,
  type Plaque,
  type PlaqueKind,
  type PlaqueStatus,
} from './plaque.model.js';
export { ELIGIBLE_TYPE, isEligible, kindForPartnerType } from './eligibility.js';
export { formatSerial, serialSequenceKey, SERIAL_PATTERN, KIND_CODES } from './serial.js';
export {
  allianceToday,
  awardPlaque,
  buildPlaqueQuery,
  canRevoke,
  eventNames,
  PLAQUE_ROW_FIELDS,
  expirePlaques,
  findPlaque,
  listPlaques,
  movePlaques,
  revokePlaque,
  verifySerial,
  type PlaqueRow,
  type PublicPlaque,
} from './plaques.service.js';
export {
  plaqueApiSchema,
  plaqueFields,
  plaqueListQuery,
  revokeSchema,
  type PlaqueInput,
  type PlaqueListFilter,
  type RevokeInput,
} from './plaques.schemas.js';
export { definePlaqueJobs, JOB_EXPIRE_PLAQUES } from './plaques.jobs.js';
export { plaquesRouter } from './plaques.routes.js';

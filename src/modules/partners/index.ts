export {
  PartnerModel,
  PARTNER_TYPES,
  ALLIANCE_STATUSES,
  derivePartnerKeys,
  type Partner,
  type PartnerType,
  type AllianceStatus,
} from './partner.model.js';
export {
  assertCanEdit,
  buildPartnerQuery,
  canEditPartner,
  createPartner,
  updatePartner,
  findDuplicates,
  findLivePartner,
  findPartner,
  listPartners,
  partnerNames,
  searchPartners,
  setLastInteraction,
  LIST_FIELDS,
  type PartnerRow,
} from './partners.service.js';
export {
  registerPartnerLink,
  registerPartnerSection,
  onPartnerUpdated,
  notifyPartnerUpdated,
  partnerLinks,
  partnerSections,
  type PartnerLink,
  type PartnerSection,
  type SectionContext,
} from './partner-extensions.js';
export {
  partnerSchema,
  partnerListQuery,
  partnerFields,
  type PartnerInput,
  type PartnerListFilter,
} from './partners.schemas.js';
export {
  backfillPartnerKeys,
  findPartnersByKeys,
  PartnerKeyModel,
  partnerKeysReady,
} from './partner-keys.js';
export { foldText, nameKey, parseTags, queryTokens, searchTokens, tagKey, websiteHost } from './normalise.js';
export { partnersRouter } from './partners.routes.js';

import { onPartnerUpdated, registerPartnerLink, registerPartnerSection } from '../partners/index.js';
import { moveContacts, partnerSectionContacts, syncPartnerCountry } from './contacts.service.js';

// The partner page's contacts block, and what a merge moves.
registerPartnerSection({
  key: 'contacts',
  order: 10,
  view: 'contacts/partner-section',
  load: (partner, ctx) => partnerSectionContacts(partner, ctx.user),
});

registerPartnerLink({ name: 'contacts', move: moveContacts });

onPartnerUpdated(syncPartnerCountry);

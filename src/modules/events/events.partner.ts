import { countryName } from '../../lib/countries.js';
import { registerPartnerLink, registerPartnerSection } from '../partners/index.js';
import { formatDays } from './dates.js';
import { movePartnerInEvents, partnerSectionEvents } from './events.service.js';

// The partner page's "events attended" block, and what a merge moves.
registerPartnerSection({
  key: 'events',
  order: 40,
  view: 'events/partner-section',
  load: async (partner, ctx) => {
    const locale = ctx.user.locale;
    return {
      ...(await partnerSectionEvents(partner)),
      fmtDays: (start: Date, end: Date | null | undefined) => formatDays(start, end, locale),
      countryLabel: (code: string | null | undefined) => countryName(code, locale),
    };
  },
});

registerPartnerLink({ name: 'events', move: movePartnerInEvents });

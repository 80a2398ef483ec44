import { registerEventSection } from '../events/index.js';
import { onPartnerUpdated, registerPartnerLink, registerPartnerSection } from '../partners/index.js';
import { userNames } from '../users/index.js';
import {
  agreementsOfEvent,
  agreementsOfPartner,
  movePartnerInAgreements,
  refreshPartnerFacts,
} from './agreements.service.js';
import { STAGES } from './stages.js';

function helpers(locale: Express.User['locale']) {
  return {
    fmtMoney: (amount: number | null | undefined, currency: string | null | undefined) =>
      amount == null || !currency
        ? ''
        : new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 }).format(
            amount,
          ),
    fmtDay: (d: Date | null | undefined) =>
      d ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d) : '',
    stages: STAGES,
  };
}

// The partner page's agreements block, and what a merge moves.
registerPartnerSection({
  key: 'agreements',
  order: 50,
  view: 'agreements/partner-section',
  load: async (partner, ctx) => {
    const { rows, total } = await agreementsOfPartner(partner._id);
    const owners = await userNames(rows.map((r) => r.owner));
    return {
      agreementsSection: {
        rows,
        total,
        owners,
        partnerId: partner._id.toHexString(),
        ...helpers(ctx.user.locale),
      },
    };
  },
});

// The event page's "agreements from this event" block.
registerEventSection({
  key: 'agreements',
  order: 50,
  view: 'agreements/event-section',
  load: async (event, ctx) => {
    const { rows, total } = await agreementsOfEvent(event._id);
    const owners = await userNames(rows.map((r) => r.owner));
    return {
      agreementsSection: {
        rows,
        total,
        owners,
        eventId: event._id.toHexString(),
        ...helpers(ctx.user.locale),
      },
    };
  },
});

registerPartnerLink({ name: 'agreements', move: movePartnerInAgreements });

// Agreements copy each partner's country and type for the list filters and metrics.
onPartnerUpdated(async (partner) => {
  await refreshPartnerFacts(partner._id);
});

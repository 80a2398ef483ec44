import { can, mayAttempt } from '../../lib/permissions.js';
import { countryName } from '../../lib/countries.js';
import { formatDay, type CrmEvent } from '../events/index.js';
import type { Partner, SectionContext } from '../partners/index.js';
import { kindForPartnerType } from './eligibility.js';
import * as service from './plaques.service.js';

/** The partner page's plaques block: current and past plaques, and an award link when eligible. */
export async function loadPartnerPlaques(
  partner: Partner,
  ctx: SectionContext,
): Promise<Record<string, unknown> | null> {
  if (!can(ctx.user, 'plaques.read')) return null;
  const kind = kindForPartnerType(partner.type);
  const { current, past, total } = await service.partnerPlaques(partner._id);
  // Partners of other types show the block only when they hold plaques (e.g. after a type change).
  if (!kind && !total) return null;
  const locale = ctx.user.locale;
  return {
    plaques: {
      current,
      past,
      total,
      eligibleKind: kind,
      canAward: !!kind && !partner.archivedAt && can(ctx.user, 'plaques.award'),
      fmtDay: (d: Date | null | undefined) => formatDay(d, locale),
    },
  };
}

/** The event page's plaques awarded there. */
export async function loadEventPlaques(
  event: CrmEvent,
  ctx: { user: Express.User; query: Record<string, unknown> },
): Promise<Record<string, unknown> | null> {
  if (!can(ctx.user, 'plaques.read')) return null;
  const { rows, total } = await service.eventPlaques(event._id);
  const names = await service.namesFor(rows);
  const locale = ctx.user.locale;
  return {
    eventPlaques: {
      rows,
      total,
      names,
      eventId: event._id.toHexString(),
      canAward: !event.archivedAt && mayAttempt(ctx.user, 'plaques.award'),
      fmtDay: (d: Date | null | undefined) => formatDay(d, locale),
      countryLabel: (code: string | null | undefined) => countryName(code, locale),
    },
  };
}

import { can } from '../../lib/permissions.js';
import type { CrmEvent } from '../events/index.js';
import type { Partner, SectionContext } from '../partners/index.js';
import { INTERACTION_KINDS } from './interaction.model.js';
import { dateLimits } from './interactions.controller.js';
import * as service from './interactions.service.js';

const CURSOR_MAX = 300;

function cursorParam(query: Record<string, unknown>, name: string): string | undefined {
  const raw = query[name];
  // Anything but a plain short string (an array, an object from a crafted query) is ignored.
  return typeof raw === 'string' && raw && raw.length <= CURSOR_MAX ? raw : undefined;
}

/**
 * The partner page's timeline: the log form for those who may log on this partner, then the
 * partner's interactions newest first, 20 a page, with its own cursor parameter (timelineAfter)
 * so it pages independently of the rest of the page.
 */
export async function loadPartnerTimeline(
  partner: Partner,
  ctx: SectionContext,
  now = new Date(),
): Promise<Record<string, unknown> | null> {
  const { user } = ctx;
  if (!can(user, 'interactions.read')) return null;
  const after = cursorParam(ctx.query, 'timelineAfter');
  const canLog = !partner.archivedAt && !partner.mergedInto && service.canLogOn(user, partner);
  const timeZone = user.timeZone;
  const [page, choices] = await Promise.all([
    service.listInteractions({ partner: partner._id, after }, service.TIMELINE_PAGE_SIZE),
    canLog ? service.formChoices(partner._id) : Promise.resolve(null),
  ]);
  const names = await service.namesFor(page.rows, false);
  return {
    timeline: {
      page,
      names,
      after: after ?? '',
      canLog,
      choices,
      kinds: INTERACTION_KINDS,
      values: service.newFormValues(user, timeZone, now),
      ...dateLimits(timeZone, now),
      followUpState: service.followUpStateFn(timeZone, now),
    },
  };
}

/** The event page's list of interactions that point at the event ("what did it produce"). */
export async function loadEventInteractions(
  event: CrmEvent,
  ctx: { user: Express.User; query: Record<string, unknown> },
): Promise<Record<string, unknown> | null> {
  if (!can(ctx.user, 'interactions.read')) return null;
  const after = cursorParam(ctx.query, 'interactionsAfter');
  const page = await service.listInteractions({ event: event._id, after }, service.TIMELINE_PAGE_SIZE);
  const names = await service.namesFor(page.rows);
  return {
    eventInteractions: {
      page,
      names,
      after: after ?? '',
      eventId: event._id.toHexString(),
      followUpState: service.followUpStateFn(ctx.user.timeZone),
    },
  };
}

import type { Request } from 'express';
import type { Page } from '../../lib/cursor.js';

/** Day fields (events, plaques) go out as they come in: YYYY-MM-DD. */
function dayOf(value: unknown): unknown {
  return value instanceof Date ? value.toISOString().slice(0, 10) : (value ?? null);
}

/**
 * A record as the API shows it: `id` instead of `_id`, only the listed fields (no derived
 * search keys or internal bookkeeping), ObjectIds as hex strings, days as YYYY-MM-DD.
 */
export function presenter(fields: readonly string[], days: readonly string[] = []) {
  return (doc: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { id: String(doc._id) };
    for (const f of fields) {
      if (!(f in doc)) continue;
      const v = doc[f];
      out[f] = days.includes(f) ? dayOf(v) : v === undefined ? null : v;
    }
    return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
  };
}

export const presentPartner = presenter([
  'name',
  'nameLocal',
  'type',
  'country',
  'city',
  'website',
  'email',
  'phone',
  'allianceStatus',
  'tags',
  'owner',
  'lastInteractionAt',
  'archivedAt',
  'mergedInto',
  'createdAt',
  'updatedAt',
]);

export const presentContact = presenter([
  'partner',
  'name',
  'nameLocal',
  'title',
  'email',
  'phone',
  'wechat',
  'line',
  'whatsapp',
  'languages',
  'primary',
  'createdAt',
  'updatedAt',
]);

export const presentInteraction = presenter([
  'partner',
  'contacts',
  'kind',
  'occurredAt',
  'summary',
  'by',
  'event',
  'followUpAt',
  'followUpAssignee',
  'followUpDone',
  'followUpDoneAt',
  'createdAt',
  'updatedAt',
]);

export const presentEvent = presenter(
  [
    'name',
    'nameLocal',
    'startsAt',
    'endsAt',
    'city',
    'country',
    'description',
    'partners',
    'contacts',
    'createdAt',
    'updatedAt',
  ],
  ['startsAt', 'endsAt'],
);

export const presentPlaque = presenter(
  [
    'serial',
    'kind',
    'status',
    'partner',
    'partnerCountry',
    'event',
    'awardedAt',
    'validUntil',
    'notes',
    'awardedBy',
    'expiredAt',
    'revokedAt',
    'revokedBy',
    'revokeReason',
    'createdAt',
    'updatedAt',
  ],
  ['awardedAt', 'validUntil'],
);

export const presentAgreement = presenter(
  [
    'title',
    'category',
    'partners',
    'owner',
    'value',
    'stage',
    'stageVersion',
    'stageChangedAt',
    'stageHistory',
    'expectedSignAt',
    'signedAt',
    'effectiveFrom',
    'expiresAt',
    'event',
    'notes',
    'renewalOf',
    'renewedBy',
    'attachments',
    'createdAt',
    'updatedAt',
  ],
  ['expectedSignAt', 'signedAt', 'effectiveFrom', 'expiresAt'],
);

/** Case fields every reader of the case sees (the complainant and internal notes are added by access). */
const presentCaseFields = presenter([
  'number',
  'channel',
  'status',
  'priority',
  'category',
  'originCountry',
  'incidentCountry',
  'incidentCity',
  'incidentDate',
  'partners',
  'description',
  'desk',
  'pastDesks',
  'assignee',
  'loggedBy',
  'openedAt',
  'ackDueAt',
  'resolveDueAt',
  'dueAt',
  'acknowledgedAt',
  'resolvedAt',
  'closedAt',
  'reopenedAt',
  'pausedAt',
  'ackBreached',
  'resolveBreached',
  'resolution',
  'attachments',
  'version',
  'createdAt',
  'updatedAt',
]);

export const presentCaseRow = presenter([
  'number',
  'status',
  'priority',
  'category',
  'desk',
  'pastDesks',
  'assignee',
  'loggedBy',
  'originCountry',
  'incidentCountry',
  'incidentCity',
  'openedAt',
  'ackDueAt',
  'resolveDueAt',
  'dueAt',
  'acknowledgedAt',
  'resolvedAt',
  'pausedAt',
  'ackBreached',
  'resolveBreached',
]);

const presentTimelineEntry = presenter(['at', 'by', 'kind', 'visibility', 'text', 'from', 'to', 'meta']);

/**
 * One case as the case page shows it to this reader: the complainant (name, contact,
 * nationality) only with restricted access, else null; internal timeline entries (internal
 * notes, transfer notes) only with restricted access, as on the page (cases/case-access.ts).
 */
export function presentCase(
  c: { timeline?: { visibility?: string | null }[]; complainant?: unknown } & Record<string, unknown>,
  access: { restricted: boolean },
): Record<string, unknown> {
  const timeline = (c.timeline ?? []).filter((e) => access.restricted || e.visibility !== 'internal');
  return {
    ...presentCaseFields(c),
    complainant: access.restricted ? JSON.parse(JSON.stringify(c.complainant ?? null)) : null,
    timeline: timeline.map((e) => presentTimelineEntry(e as Record<string, unknown>)),
  };
}

export const presentMarket = presenter([
  'origin',
  'destination',
  'baselineYear',
  'baselineVisitors',
  'multiplier',
  'targetYear',
  'owner',
  'notes',
  'createdAt',
  'updatedAt',
]);

/**
 * A list answer: the rows and a `next` link carrying the same filters and the cursor
 * (null on the last page).
 */
export function listBody<T>(
  req: Request,
  page: Page<T>,
  present: (row: Record<string, unknown>) => Record<string, unknown>,
  query: Record<string, unknown>,
): { data: Record<string, unknown>[]; next: string | null } {
  let next: string | null = null;
  if (page.next) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (k === 'after' || v === '' || v == null) continue;
      params.set(k, String(v));
    }
    params.set('after', page.next);
    next = `${req.baseUrl}${req.path}?${params.toString()}`;
  }
  return { data: page.rows.map((r) => present(r as Record<string, unknown>)), next };
}

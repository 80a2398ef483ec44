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

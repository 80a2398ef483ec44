import {
  buildInteractionQuery,
  interactionFilter,
  interactionListQuery,
  interactionNames,
  InteractionModel,
  INTERACTION_ROW_FIELDS,
  type InteractionListQuery,
  type InteractionRow,
} from '../../interactions/index.js';
import { EXPORT_CURSOR_BATCH, registerExport } from '../registry.js';

export const INTERACTION_COLUMNS = [
  'occurred_at',
  'kind',
  'partner_name',
  'contact_names',
  'summary',
  'by_name',
  'event_name',
  'follow_up_at',
  'follow_up_done',
  'partner_id',
  'id',
] as const;

type Ctx = Awaited<ReturnType<typeof interactionNames>>;

registerExport<InteractionRow, Ctx, InteractionListQuery>({
  entity: 'interaction',
  basePath: '/interactions',
  action: 'interactions.export',
  readAction: 'interactions.read',
  titleKey: 'interactions.title',
  filters: interactionListQuery,
  defaultColumns: [...INTERACTION_COLUMNS],
  query(user, filters) {
    // The list's own filter (its "me" and calendar days in the user's zone), newest first.
    const query = buildInteractionQuery(interactionFilter(filters, user, user.timeZone));
    return Promise.resolve({
      rows: InteractionModel.find(query, INTERACTION_ROW_FIELDS)
        .sort({ occurredAt: -1, _id: -1 })
        .lean<InteractionRow[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => InteractionModel.countDocuments(query),
    });
  },
  batchContext: (rows) => interactionNames(rows),
  columns: [
    { key: 'occurred_at', label: 'interactions.occurredAt', value: (r) => r.occurredAt },
    { key: 'kind', label: 'interactions.kind', value: (r) => r.kind },
    {
      key: 'partner_name',
      label: 'exports.columns.partnerName',
      value: (r, n) => n.partners.get(r.partner.toHexString())?.name ?? null,
    },
    {
      key: 'contact_names',
      label: 'interactions.contacts',
      value: (r, n) =>
        r.contacts
          .map((c) => n.contacts.get(c.toHexString())?.name)
          .filter(Boolean)
          .join(';'),
    },
    { key: 'summary', label: 'interactions.summary', value: (r) => r.summary },
    {
      key: 'by_name',
      label: 'interactions.by',
      value: (r, n) => n.users.get(r.by.toHexString())?.name ?? null,
    },
    {
      key: 'event_name',
      label: 'exports.columns.eventName',
      value: (r, n) => (r.event ? (n.events.get(r.event.toHexString())?.name ?? null) : null),
    },
    { key: 'follow_up_at', label: 'interactions.followUpAt', value: (r) => r.followUpAt ?? null },
    { key: 'follow_up_done', label: 'exports.columns.followUpDone', value: (r) => r.followUpDone },
    { key: 'partner_id', label: 'exports.columns.partnerId', value: (r) => r.partner.toHexString() },
    { key: 'id', label: 'exports.columns.id', value: (r) => r._id.toHexString() },
  ],
});

import {
  buildPlaqueQuery,
  eventNames,
  PLAQUE_ROW_FIELDS,
  PlaqueModel,
  plaqueListQuery,
  type PlaqueListFilter,
  type PlaqueRow,
} from '../../plaques/index.js';
import { partnerNames } from '../../partners/index.js';
import { EXPORT_CURSOR_BATCH, registerExport } from '../registry.js';

export const PLAQUE_COLUMNS = [
  'serial',
  'kind',
  'status',
  'partner_name',
  'partner_country',
  'event_name',
  'awarded_at',
  'valid_until',
  'revoked_at',
  'partner_id',
  'id',
] as const;

interface Ctx {
  partners: Awaited<ReturnType<typeof partnerNames>>;
  events: Awaited<ReturnType<typeof eventNames>>;
}

registerExport<PlaqueRow, Ctx, PlaqueListFilter>({
  entity: 'plaque',
  basePath: '/plaques',
  action: 'plaques.export',
  readAction: 'plaques.read',
  titleKey: 'plaques.title',
  filters: plaqueListQuery,
  defaultColumns: [...PLAQUE_COLUMNS],
  query(_user, filters) {
    const query = buildPlaqueQuery(filters);
    return Promise.resolve({
      // The list's order: newest award first.
      rows: PlaqueModel.find(query, PLAQUE_ROW_FIELDS)
        .sort({ awardedAt: -1, _id: -1 })
        .lean<PlaqueRow[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => PlaqueModel.countDocuments(query),
    });
  },
  async batchContext(rows) {
    const [partners, events] = await Promise.all([
      partnerNames(rows.map((r) => r.partner)),
      eventNames(rows.map((r) => r.event)),
    ]);
    return { partners, events };
  },
  columns: [
    { key: 'serial', label: 'plaques.serial', value: (r) => r.serial },
    { key: 'kind', label: 'plaques.kind', value: (r) => r.kind },
    { key: 'status', label: 'plaques.status', value: (r) => r.status },
    {
      key: 'partner_name',
      label: 'plaques.partner',
      value: (r, ctx) => ctx.partners.get(r.partner.toHexString())?.name ?? null,
    },
    { key: 'partner_country', label: 'plaques.partnerCountry', value: (r) => r.partnerCountry },
    {
      key: 'event_name',
      label: 'plaques.event',
      value: (r, ctx) => (r.event ? (ctx.events.get(r.event.toHexString())?.name ?? null) : null),
    },
    { key: 'awarded_at', label: 'plaques.awardedAt', value: (r) => r.awardedAt },
    { key: 'valid_until', label: 'plaques.validUntil', value: (r) => r.validUntil },
    { key: 'revoked_at', label: 'plaques.statuses.revoked', value: (r) => r.revokedAt ?? null },
    { key: 'partner_id', label: 'exports.columns.partnerId', value: (r) => r.partner.toHexString() },
    { key: 'id', label: 'exports.columns.id', value: (r) => r._id.toHexString() },
  ],
});

import type { Types } from 'mongoose';
import { objectIds, trusted } from '../../../lib/db/index.js';
import {
  buildPartnerQuery,
  PartnerModel,
  partnerListQuery,
  type Partner,
  type PartnerListFilter,
} from '../../partners/index.js';
import { UserModel } from '../../users/index.js';
import { EXPORT_CURSOR_BATCH, registerExport } from '../registry.js';

/** The SPEC partner CSV header; import reads the same keys. */
export const PARTNER_COLUMNS = [
  'name',
  'name_local',
  'type',
  'country',
  'city',
  'website',
  'email',
  'phone',
  'alliance_status',
  'tags',
  'owner_email',
  'id',
  'last_interaction_at',
  'created_at',
] as const;

// The list's orders (partners.service SORTS): the export walks the rows in the order shown.
const SORTS: Record<PartnerListFilter['sort'], Record<string, 1 | -1>> = {
  name: { sortName: 1, _id: 1 },
  lastInteraction: { lastInteractionSort: -1, _id: -1 },
  created: { createdAt: -1, _id: -1 },
};

const FIELDS = {
  name: 1,
  nameLocal: 1,
  type: 1,
  country: 1,
  city: 1,
  website: 1,
  email: 1,
  phone: 1,
  allianceStatus: 1,
  tags: 1,
  owner: 1,
  lastInteractionAt: 1,
  createdAt: 1,
} as const;

type Row = Pick<Partner, '_id' | keyof typeof FIELDS>;
type Ctx = Map<string, string>;

/** Owner id → e-mail for a batch of rows (one query). */
export async function ownerEmails(ids: (Types.ObjectId | null | undefined)[]): Promise<Ctx> {
  const unique = objectIds(ids);
  if (!unique.length) return new Map();
  const users = await UserModel.find({ _id: trusted({ $in: unique }) }, { email: 1 }).lean();
  return new Map(users.map((u) => [u._id.toHexString(), u.email]));
}

registerExport<Row, Ctx, PartnerListFilter>({
  entity: 'partner',
  basePath: '/partners',
  action: 'partners.export',
  readAction: 'partners.read',
  titleKey: 'partners.title',
  filters: partnerListQuery,
  defaultColumns: [...PARTNER_COLUMNS],
  async query(user, filters) {
    const query = await buildPartnerQuery(filters, user);
    if (!query) return null;
    return {
      rows: PartnerModel.find(query, FIELDS)
        .sort(SORTS[filters.sort])
        .lean<Row[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => PartnerModel.countDocuments(query),
    };
  },
  batchContext: (rows) => ownerEmails(rows.map((r) => r.owner)),
  columns: [
    { key: 'name', label: 'partners.name', value: (r) => r.name },
    { key: 'name_local', label: 'partners.nameLocal', value: (r) => r.nameLocal },
    { key: 'type', label: 'partners.type', value: (r) => r.type },
    { key: 'country', label: 'partners.country', value: (r) => r.country },
    { key: 'city', label: 'partners.city', value: (r) => r.city },
    { key: 'website', label: 'partners.website', value: (r) => r.website },
    { key: 'email', label: 'partners.email', value: (r) => r.email },
    { key: 'phone', label: 'partners.phone', value: (r) => r.phone },
    { key: 'alliance_status', label: 'partners.allianceStatus', value: (r) => r.allianceStatus },
    { key: 'tags', label: 'partners.tags', value: (r) => r.tags.join(';') },
    {
      key: 'owner_email',
      label: 'partners.owner',
      value: (r, owners) => (r.owner ? (owners.get(r.owner.toHexString()) ?? null) : null),
    },
    { key: 'id', label: 'exports.columns.id', value: (r) => r._id.toHexString() },
    { key: 'last_interaction_at', label: 'partners.lastInteraction', value: (r) => r.lastInteractionAt },
    { key: 'created_at', label: 'common.createdAt', value: (r) => r.createdAt },
  ],
});

import type { Types } from 'mongoose';
import {
  AgreementModel,
  agreementListQuery,
  AGREEMENT_LIST_FIELDS,
  buildAgreementQuery,
  type AgreementListFilter,
  type AgreementRow,
} from '../../agreements/index.js';
import { partnerNames } from '../../partners/index.js';
import { EXPORT_CURSOR_BATCH, registerExport } from '../registry.js';
import { ownerEmails } from './partners.js';

export const AGREEMENT_COLUMNS = [
  'title',
  'category',
  'stage',
  'partner_names',
  'owner_email',
  'value_amount',
  'value_currency',
  'expected_sign_at',
  'signed_at',
  'effective_from',
  'expires_at',
  'id',
  'created_at',
] as const;

interface Ctx {
  owners: Map<string, string>;
  partners: Awaited<ReturnType<typeof partnerNames>>;
}

const names = (ids: Types.ObjectId[], ctx: Ctx) =>
  ids
    .map((id) => ctx.partners.get(id.toHexString())?.name)
    .filter(Boolean)
    .join(';');

registerExport<AgreementRow, Ctx, AgreementListFilter>({
  entity: 'agreement',
  basePath: '/agreements',
  action: 'agreements.export',
  readAction: 'agreements.read',
  titleKey: 'agreements.title',
  filters: agreementListQuery,
  defaultColumns: [...AGREEMENT_COLUMNS],
  query(user, filters) {
    // The list's own filter and row scope (a coordinator's own agreements), in list order.
    const query = buildAgreementQuery(filters, user);
    return Promise.resolve({
      rows: AgreementModel.find(query, AGREEMENT_LIST_FIELDS)
        .sort({ createdAt: -1, _id: -1 })
        .lean<AgreementRow[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => AgreementModel.countDocuments(query),
    });
  },
  async batchContext(rows) {
    const [owners, partners] = await Promise.all([
      ownerEmails(rows.map((r) => r.owner)),
      partnerNames(rows.flatMap((r) => r.partners)),
    ]);
    return { owners, partners };
  },
  columns: [
    { key: 'title', label: 'agreements.fields.title', value: (r) => r.title },
    { key: 'category', label: 'agreements.fields.category', value: (r) => r.category },
    { key: 'stage', label: 'agreements.fields.stage', value: (r) => r.stage },
    { key: 'partner_names', label: 'agreements.fields.partners', value: (r, ctx) => names(r.partners, ctx) },
    {
      key: 'owner_email',
      label: 'agreements.fields.owner',
      value: (r, ctx) => (r.owner ? (ctx.owners.get(r.owner.toHexString()) ?? null) : null),
    },
    { key: 'value_amount', label: 'agreements.fields.valueAmount', value: (r) => r.value?.amount ?? null },
    {
      key: 'value_currency',
      label: 'agreements.fields.valueCurrency',
      value: (r) => r.value?.currency ?? null,
    },
    {
      key: 'expected_sign_at',
      label: 'agreements.fields.expectedSignAt',
      value: (r) => r.expectedSignAt ?? null,
    },
    { key: 'signed_at', label: 'agreements.fields.signedAt', value: (r) => r.signedAt ?? null },
    {
      key: 'effective_from',
      label: 'agreements.fields.effectiveFrom',
      value: (r) => r.effectiveFrom ?? null,
    },
    { key: 'expires_at', label: 'agreements.fields.expiresAt', value: (r) => r.expiresAt ?? null },
    { key: 'id', label: 'exports.columns.id', value: (r) => r._id.toHexString() },
    { key: 'created_at', label: 'agreements.fields.createdAt', value: (r) => r.createdAt },
  ],
});

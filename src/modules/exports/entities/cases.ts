import {
  buildCaseQuery,
  caseAccess,
  caseListQuery,
  CaseModel,
  CASE_LIST_FIELDS,
  type CaseListQuery,
  type ComplaintCase,
} from '../../cases/index.js';
import { deskNames } from '../../desks/index.js';
import { EXPORT_CURSOR_BATCH, registerExport } from '../registry.js';

export const CASE_COLUMNS = [
  'number',
  'status',
  'priority',
  'category',
  'channel',
  'desk',
  'origin_country',
  'incident_country',
  'incident_city',
  'incident_date',
  'complainant_name',
  'complainant_contact',
  'complainant_nationality',
  'opened_at',
  'ack_due_at',
  'resolve_due_at',
  'breached',
  'id',
] as const;

const FIELDS = { ...CASE_LIST_FIELDS, channel: 1, incidentDate: 1, complainant: 1 } as const;
type Row = Pick<ComplaintCase, '_id' | keyof typeof FIELDS>;

interface Ctx {
  desks: Map<string, string>;
  /** Case ids whose complainant the exporting user may see (same rule as the case page). */
  visible: Set<string>;
}

const RESTRICTED = 'restricted';
const complainant = (row: Row, ctx: Ctx, value: string) =>
  ctx.visible.has(row._id.toHexString()) ? value : RESTRICTED;

registerExport<Row, Ctx, CaseListQuery>({
  entity: 'case',
  basePath: '/cases',
  action: 'cases.export',
  readAction: 'cases.read',
  titleKey: 'cases.title',
  filters: caseListQuery,
  defaultColumns: [...CASE_COLUMNS],
  query(user, filters) {
    // The list's own scope (my cases, my desks, all) and filters, in its order (due time).
    const { filter } = buildCaseQuery(filters, user, new Date());
    return Promise.resolve({
      rows: CaseModel.find(filter, FIELDS)
        .sort({ dueAt: 1, _id: 1 })
        .lean<Row[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => CaseModel.countDocuments(filter),
    });
  },
  async batchContext(rows, user) {
    const desks = await deskNames(rows.map((r) => r.desk));
    const visible = new Set(
      rows.filter((r) => caseAccess(user, r).restricted).map((r) => r._id.toHexString()),
    );
    return { desks, visible };
  },
  columns: [
    { key: 'number', label: 'cases.number', value: (r) => r.number },
    { key: 'status', label: 'cases.status', value: (r) => r.status },
    { key: 'priority', label: 'cases.priority', value: (r) => r.priority },
    { key: 'category', label: 'cases.category', value: (r) => r.category },
    { key: 'channel', label: 'cases.channel', value: (r) => r.channel },
    { key: 'desk', label: 'cases.desk', value: (r, ctx) => ctx.desks.get(r.desk.toHexString()) ?? null },
    { key: 'origin_country', label: 'cases.originCountry', value: (r) => r.originCountry },
    { key: 'incident_country', label: 'cases.incidentCountry', value: (r) => r.incidentCountry },
    { key: 'incident_city', label: 'cases.incidentCity', value: (r) => r.incidentCity },
    { key: 'incident_date', label: 'cases.incidentDate', value: (r) => r.incidentDate },
    {
      key: 'complainant_name',
      label: 'cases.complainantName',
      value: (r, c) => complainant(r, c, r.complainant?.name ?? ''),
    },
    {
      key: 'complainant_contact',
      label: 'cases.complainantContact',
      value: (r, c) => complainant(r, c, r.complainant?.contact ?? ''),
    },
    {
      key: 'complainant_nationality',
      label: 'cases.complainantNationality',
      value: (r, c) => complainant(r, c, r.complainant?.nationality ?? ''),
    },
    { key: 'opened_at', label: 'cases.openedAt', value: (r) => r.openedAt },
    { key: 'ack_due_at', label: 'cases.sla.ack', value: (r) => r.ackDueAt },
    { key: 'resolve_due_at', label: 'cases.sla.resolve', value: (r) => r.resolveDueAt },
    { key: 'breached', label: 'cases.breaches.breached', value: (r) => r.ackBreached || r.resolveBreached },
    { key: 'id', label: 'exports.columns.id', value: (r) => r._id.toHexString() },
  ],
});

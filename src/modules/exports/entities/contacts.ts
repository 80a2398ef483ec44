import {
  ContactModel,
  contactListQuery,
  buildContactQuery,
  type Contact,
  type ContactListFilter,
} from '../../contacts/index.js';
import { partnerNames } from '../../partners/index.js';
import { EXPORT_CURSOR_BATCH, registerExport } from '../registry.js';

export const CONTACT_COLUMNS = [
  'name',
  'name_local',
  'title',
  'email',
  'phone',
  'wechat',
  'line',
  'whatsapp',
  'languages',
  'primary',
  'partner_name',
  'partner_id',
  'id',
  'created_at',
] as const;

const FIELDS = {
  partner: 1,
  name: 1,
  nameLocal: 1,
  title: 1,
  email: 1,
  phone: 1,
  wechat: 1,
  line: 1,
  whatsapp: 1,
  languages: 1,
  primary: 1,
  createdAt: 1,
} as const;

type Row = Pick<Contact, '_id' | keyof typeof FIELDS>;
type Ctx = Awaited<ReturnType<typeof partnerNames>>;

registerExport<Row, Ctx, ContactListFilter>({
  entity: 'contact',
  basePath: '/contacts',
  action: 'contacts.export',
  readAction: 'contacts.read',
  titleKey: 'contacts.title',
  filters: contactListQuery,
  defaultColumns: [...CONTACT_COLUMNS],
  async query(_user, filters) {
    const query = buildContactQuery(filters);
    if (!query) return null;
    return {
      // The list's order (contacts.service listContacts): by name, then id.
      rows: ContactModel.find(query, FIELDS)
        .sort({ sortName: 1, _id: 1 })
        .lean<Row[]>()
        .cursor({ batchSize: EXPORT_CURSOR_BATCH }),
      count: () => ContactModel.countDocuments(query),
    };
  },
  batchContext: (rows) => partnerNames(rows.map((r) => r.partner)),
  columns: [
    { key: 'name', label: 'contacts.name', value: (r) => r.name },
    { key: 'name_local', label: 'contacts.nameLocal', value: (r) => r.nameLocal },
    { key: 'title', label: 'contacts.jobTitle', value: (r) => r.title },
    { key: 'email', label: 'contacts.email', value: (r) => r.email },
    { key: 'phone', label: 'contacts.phone', value: (r) => r.phone },
    { key: 'wechat', label: 'contacts.wechat', value: (r) => r.wechat },
    { key: 'line', label: 'contacts.line', value: (r) => r.line },
    { key: 'whatsapp', label: 'contacts.whatsapp', value: (r) => r.whatsapp },
    { key: 'languages', label: 'contacts.languages', value: (r) => r.languages.join(';') },
    { key: 'primary', label: 'contacts.primary', value: (r) => r.primary },
    {
      key: 'partner_name',
      label: 'contacts.partner',
      value: (r, names) => names.get(r.partner.toHexString())?.name ?? null,
    },
    { key: 'partner_id', label: 'exports.columns.partnerId', value: (r) => r.partner.toHexString() },
    { key: 'id', label: 'exports.columns.id', value: (r) => r._id.toHexString() },
    { key: 'created_at', label: 'common.createdAt', value: (r) => r.createdAt },
  ],
});

import { Types } from 'mongoose';
import { trusted } from '../../../lib/db/index.js';
import { Joi } from '../../../lib/validation.js';
import { fieldErrors } from '../../../lib/validation.js';
import { diffFields, type AuditContext } from '../../audit/index.js';
import {
  canWriteContacts,
  CONTACT_EDITABLE,
  contactFields,
  ContactModel,
  deriveContactKeys,
  settlePrimary,
  type Contact,
  type ContactInput,
} from '../../contacts/index.js';
import { findPartnersByKeys, foldText, nameKey, PartnerModel, type Partner } from '../../partners/index.js';
import {
  classifyDuplicate,
  registerImport,
  type AnyModel,
  type ImportDefinition,
  type Planned,
  type RowError,
} from '../imports.core.js';
import { JOI_OPTIONS } from './partners.js';

/** Import column → contact field; the columns of the contacts export. */
export const CONTACT_IMPORT_COLUMNS = {
  name: 'name',
  name_local: 'nameLocal',
  title: 'title',
  email: 'email',
  phone: 'phone',
  wechat: 'wechat',
  line: 'line',
  whatsapp: 'whatsapp',
  languages: 'languages',
  primary: 'primary',
  partner_name: 'partner',
  partner_id: 'partner',
} as const;
type ImportColumn = keyof typeof CONTACT_IMPORT_COLUMNS;
const FIELD_COLUMN: Record<string, string> = Object.fromEntries(
  Object.entries(CONTACT_IMPORT_COLUMNS)
    .filter(([c]) => c !== 'partner_id')
    .map(([c, f]) => [f, c]),
);

const rowSchema = Joi.object(contactFields);
type PartnerRef = Pick<Partner, '_id' | 'name' | 'owner' | 'archivedAt' | 'country' | 'nameKey'>;
const PARTNER_FIELDS = { name: 1, owner: 1, archivedAt: 1, country: 1, nameKey: 1 };
const IN_LIMIT = 1000;

interface Lookups {
  byId: Map<string, PartnerRef>;
  byKey: Map<string, PartnerRef[]>;
}

export type ContactImportInput = Omit<ContactInput, 'confirmDuplicate'> & { partner: PartnerRef };
type Existing = Contact & { partnerRef: PartnerRef | null };
type Row = Planned<ContactImportInput, Existing>;

async function findIn<T>(
  model: AnyModel,
  field: string,
  values: unknown[],
  extra: Record<string, unknown>,
  fields: Record<string, number> | null,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += IN_LIMIT) {
    const chunk = values.slice(i, i + IN_LIMIT);
    out.push(...(await model.find({ ...extra, [field]: trusted({ $in: chunk }) }, fields).lean<T[]>()));
  }
  return out;
}

/** A partner named in the file: by id (wins), else by name (exact, then the duplicate key). */
function resolvePartner(
  cells: ReadonlyMap<string, string>,
  lookups: Lookups,
): { partner?: PartnerRef; error?: { column: string; key: string; params?: Record<string, string> } } {
  const id = cells.get('partner_id') ?? '';
  if (id) {
    const partner =
      Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? lookups.byId.get(id) : undefined;
    if (!partner || partner.archivedAt)
      return {
        error: { column: 'partner_id', key: 'imports.contact.partnerUnknown', params: { partner: id } },
      };
    return { partner };
  }
  const name = cells.get('partner_name') ?? '';
  if (!name) return { error: { column: 'partner_name', key: 'imports.contact.partnerRequired' } };
  const candidates = (lookups.byKey.get(nameKey(name)) ?? []).filter((p) => !p.archivedAt);
  const exact = candidates.filter((p) => foldText(p.name) === foldText(name));
  const pick = exact.length ? exact : candidates;
  if (pick.length === 1) return { partner: pick[0]! };
  return {
    error: {
      column: 'partner_name',
      key: pick.length ? 'imports.contact.partnerAmbiguous' : 'imports.contact.partnerUnknown',
      params: { partner: name, count: String(pick.length) },
    },
  };
}

function comparable(value: unknown): string {
  if (value === '' || value === undefined || value === null) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function settlePartners(partners: Map<string, Types.ObjectId | undefined>, ctx: AuditContext) {
  for (const [id, prefer] of partners) await settlePrimary(new Types.ObjectId(id), ctx, prefer);
}

export const contactImport: ImportDefinition<ContactImportInput, Existing, Lookups> = {
  entity: 'contact',
  basePath: '/contacts',
  action: 'contacts.import',
  texts: 'imports.contact',
  columns: CONTACT_IMPORT_COLUMNS,
  required: ['name'],
  ignored: ['id', 'created_at'],
  model: ContactModel as AnyModel,
  link: (id) => `/contacts/${id}`,

  checkHeader(columns) {
    return columns.has('partner_name') || columns.has('partner_id')
      ? null
      : { key: 'imports.contact.partnerColumn' };
  },

  async lookups(values) {
    const ids = [...new Set(values('partner_id'))].filter((v) => /^[0-9a-f]{24}$/i.test(v));
    const keys = [...new Set(values('partner_name').map(nameKey))].filter(Boolean);
    const partners = [
      ...(await findIn<PartnerRef>(
        PartnerModel as AnyModel,
        '_id',
        ids.map((i) => new Types.ObjectId(i)),
        {},
        PARTNER_FIELDS,
      )),
      ...(await findPartnersByKeys<PartnerRef>(keys, [], PARTNER_FIELDS)),
    ];
    const byId = new Map<string, PartnerRef>();
    const byKey = new Map<string, PartnerRef[]>();
    for (const p of partners) {
      const id = p._id.toHexString();
      if (byId.has(id)) continue;
      byId.set(id, p);
      byKey.set(p.nameKey, [...(byKey.get(p.nameKey) ?? []), p]);
    }
    return { byId, byKey };
  },

  parse(cells, lookups, user, t) {
    const errors: RowError[] = [];
    const data: Record<string, unknown> = {};
    const present: string[] = [];
    for (const [col, value] of cells) {
      const field = CONTACT_IMPORT_COLUMNS[col as ImportColumn];
      if (field === 'partner') continue;
      present.push(field);
      data[field] =
        field === 'languages'
          ? value
              .split(/[;,]/)
              .map((l) => l.trim().toLowerCase())
              .filter(Boolean)
          : value;
    }
    const { partner, error: partnerError } = resolvePartner(cells, lookups);
    if (partnerError)
      errors.push({ column: partnerError.column, message: t(partnerError.key, partnerError.params) });
    else if (partner && !canWriteContacts(user, partner))
      errors.push({
        column: cells.has('partner_id') && cells.get('partner_id') ? 'partner_id' : 'partner_name',
        message: t('imports.contact.notOwner'),
      });
    const { error, value } = rowSchema.validate(data, JOI_OPTIONS);
    if (error) {
      for (const [field, message] of Object.entries(fieldErrors(error, t))) {
        errors.push({ column: FIELD_COLUMN[field.split('.')[0]!] ?? field, message });
      }
    }
    if (errors.length) return { errors, present, name: '' };
    const input = { ...(value as ContactInput), partner: partner! };
    return { input, errors, present, name: input.name };
  },

  // One person, one e-mail: a later row with an e-mail seen before, or one a live contact has.
  async classify(rows: Row[], mode, user, t) {
    const emails = [...new Set(rows.map((r) => r.input!.email).filter((e): e is string => !!e))];
    const existing = await findIn<Contact>(
      ContactModel as AnyModel,
      'email',
      emails,
      { archivedAt: null },
      null,
    );
    const partnerIds = [...new Set(existing.map((c) => c.partner.toHexString()))];
    const owners = new Map(
      (
        await findIn<PartnerRef>(
          PartnerModel as AnyModel,
          '_id',
          partnerIds.map((id) => new Types.ObjectId(id)),
          {},
          PARTNER_FIELDS,
        )
      ).map((p) => [p._id.toHexString(), p]),
    );
    const byEmail = new Map<string, Existing>();
    for (const c of existing.sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()))) {
      if (c.email && !byEmail.has(c.email))
        byEmail.set(c.email, { ...c, partnerRef: owners.get(c.partner.toHexString()) ?? null });
    }
    const seen = new Map<string, number>();
    for (const p of rows) {
      const row = p.report;
      const email = p.input!.email;
      const earlier = email ? seen.get(email) : undefined;
      if (email && !seen.has(email)) seen.set(email, row.row);
      const match = email ? byEmail.get(email) : undefined;
      classifyDuplicate(p, mode, earlier, match, {
        refused:
          match && (!match.partnerRef || !canWriteContacts(user, match.partnerRef))
            ? { column: 'email', message: t('imports.contact.notOwner') }
            : null,
        changedFields: () => {
          const input = p.input as unknown as Record<string, unknown>;
          // "primary" only ever makes a contact primary; an empty cell is no change.
          p.present = p.present.filter((f) => f !== 'primary' || p.input!.primary);
          const stored = match as unknown as Record<string, unknown>;
          return p.present.filter((f) => comparable(input[f]) !== comparable(stored[f]));
        },
        column: (f) => FIELD_COLUMN[f]!,
      });
    }
  },

  async create(rows, user) {
    const docs = rows.map((p) => {
      const { partner, primary, ...fields } = p.input!;
      return {
        _id: new Types.ObjectId(),
        name: fields.name,
        nameLocal: fields.nameLocal,
        title: fields.title,
        email: fields.email,
        phone: fields.phone,
        wechat: fields.wechat,
        line: fields.line,
        whatsapp: fields.whatsapp,
        languages: fields.languages,
        ...deriveContactKeys(fields),
        partner: partner._id,
        partnerCountry: partner.country,
        primary,
        createdBy: user._id,
      };
    });
    await ContactModel.insertMany(docs, { ordered: false });
    return docs.map((d) => d._id);
  },

  async update(p) {
    const before = p.existing!;
    const input = p.input as unknown as Record<string, unknown>;
    const set: Record<string, unknown> = {};
    for (const f of p.present) set[f] = input[f];
    const after = { ...before, ...set };
    const changes = diffFields(before, after, [...CONTACT_EDITABLE, 'primary']);
    const previous = Object.fromEntries(
      changes.map((c) => [c.field, (before as unknown as Record<string, unknown>)[c.field] ?? null]),
    );
    await ContactModel.updateOne({ _id: before._id }, { $set: { ...set, ...deriveContactKeys(after) } });
    return { before: previous, changes };
  },

  // Exactly one primary contact per partner, as after the form: a row marked primary wins.
  async afterApply(rows, ctx) {
    const partners = new Map<string, Types.ObjectId | undefined>();
    for (const p of rows) {
      const id = (p.existing?.partner ?? p.input!.partner._id).toHexString();
      const prefer = p.input!.primary ? new Types.ObjectId(p.report.recordId!) : undefined;
      partners.set(id, prefer ?? partners.get(id));
    }
    await settlePartners(partners, ctx);
  },

  // Contacts are archived, never deleted (as the contact page's "Archive" does).
  async archive(ids, ctx) {
    const rows = await findIn<Pick<Contact, '_id' | 'partner'>>(
      ContactModel as AnyModel,
      '_id',
      ids,
      {},
      { partner: 1 },
    );
    const archivedAt = new Date();
    await ContactModel.updateMany(
      { _id: trusted({ $in: ids }), archivedAt: null },
      { $set: { archivedAt, primary: false } },
    );
    await settlePartners(new Map(rows.map((r) => [r.partner.toHexString(), undefined])), ctx);
  },

  async restore(id, before, ctx) {
    const current = await ContactModel.findById(id).lean<Contact>();
    if (!current) return;
    await ContactModel.updateOne(
      { _id: id },
      { $set: { ...before, ...deriveContactKeys({ ...current, ...before } as Contact) } },
    );
    await settlePrimary(current.partner, ctx);
  },
};

registerImport(contactImport);

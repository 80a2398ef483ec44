import { Types } from 'mongoose';
import { trusted } from '../../../lib/db/index.js';
import { can, canOnRecord } from '../../../lib/permissions.js';
import type { Joi } from '../../../lib/validation.js';
import { fieldErrors } from '../../../lib/validation.js';
import { diffFields } from '../../audit/index.js';
import {
  derivePartnerKeys,
  findPartnersByKeys,
  nameKey,
  notifyPartnerUpdated,
  PartnerModel,
  partnerSchema,
  websiteHost,
  type Partner,
  type PartnerInput,
} from '../../partners/index.js';
import { normaliseEmail, UserModel } from '../../users/index.js';
import {
  classifyDuplicate,
  registerImport,
  type AnyModel,
  type ImportDefinition,
  type Planned,
  type RowError,
} from '../imports.core.js';

/** Import column → partner form field (SPEC partner CSV header). */
export const PARTNER_IMPORT_COLUMNS = {
  name: 'name',
  name_local: 'nameLocal',
  type: 'type',
  country: 'country',
  city: 'city',
  website: 'website',
  email: 'email',
  phone: 'phone',
  alliance_status: 'allianceStatus',
  tags: 'tags',
  owner_email: 'owner',
} as const;
type ImportColumn = keyof typeof PARTNER_IMPORT_COLUMNS;
type FormField = (typeof PARTNER_IMPORT_COLUMNS)[ImportColumn];
const FIELD_COLUMN = Object.fromEntries(
  Object.entries(PARTNER_IMPORT_COLUMNS).map(([c, f]) => [f, c]),
) as Record<FormField, ImportColumn>;
export const REQUIRED_COLUMNS: ImportColumn[] = ['name', 'type', 'country'];

const EDITABLE: FormField[] = Object.values(PARTNER_IMPORT_COLUMNS);

export const JOI_OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  allowUnknown: false,
  convert: true,
  errors: { wrap: { label: false } },
};

type Existing = Pick<
  Partner,
  '_id' | 'name' | 'owner' | 'archivedAt' | 'nameKey' | 'websiteHost' | 'lastInteractionAt'
> &
  Record<FormField, unknown>;

const MATCH_FIELDS = {
  ...Object.fromEntries(EDITABLE.map((f) => [f, 1])),
  archivedAt: 1,
  nameKey: 1,
  websiteHost: 1,
  lastInteractionAt: 1,
};
function comparable(field: string, value: unknown): string {
  if (value instanceof Types.ObjectId) return value.toHexString();
  if (value === '' || value === undefined || value === null) return field === 'tags' ? '[]' : 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Derived keys (search, duplicates) for a partner after some fields change. */
function keysAfter(before: Record<string, unknown>, set: Record<string, unknown>) {
  const after = { ...before, ...set };
  return derivePartnerKeys({
    name: after.name as string,
    nameLocal: (after.nameLocal as string | null) ?? null,
    website: (after.website as string | null) ?? null,
    tags: (after.tags as string[]) ?? [],
    lastInteractionAt: (before.lastInteractionAt as Date | null) ?? null,
  });
}

type Row = Planned<PartnerInput, Existing>;

export const partnerImport: ImportDefinition<PartnerInput, Existing, Map<string, string>> = {
  entity: 'partner',
  basePath: '/partners',
  action: 'partners.import',
  texts: 'imports.partner',
  columns: PARTNER_IMPORT_COLUMNS,
  required: REQUIRED_COLUMNS,
  ignored: ['id', 'last_interaction_at', 'created_at'],
  model: PartnerModel as AnyModel,
  link: (id) => `/partners/${id}`,

  // Owners by e-mail, one query for the whole file.
  async lookups(values) {
    const emails = new Set(values('owner_email').map(normaliseEmail));
    const owners = new Map<string, string>();
    if (emails.size) {
      const users = await UserModel.find(
        { email: trusted({ $in: [...emails] }), disabledAt: null },
        { email: 1 },
      ).lean();
      for (const u of users) owners.set(u.email, u._id.toHexString());
    }
    return owners;
  },

  // Every row through the partner form's Joi schema.
  parse(cells, owners, _user, t) {
    const errors: RowError[] = [];
    const data: Record<string, unknown> = {};
    let present = [...cells.keys()].map((c) => PARTNER_IMPORT_COLUMNS[c as ImportColumn] as string);
    for (const [col, value] of cells) {
      // An empty cell takes the form's default (no value; "prospect" for a new partner's status).
      if (value === '' && col === 'alliance_status') {
        present = present.filter((f) => f !== 'allianceStatus');
        continue;
      }
      if (col === 'owner_email') {
        if (!value) data.owner = null;
        else {
          const id = owners.get(normaliseEmail(value));
          if (!id) errors.push({ column: col, message: t('imports.errors.ownerUnknown') });
          else data.owner = id;
        }
        continue;
      }
      data[PARTNER_IMPORT_COLUMNS[col as ImportColumn]] = value;
    }
    const { error, value } = partnerSchema.validate(data, JOI_OPTIONS);
    if (error) {
      for (const [field, message] of Object.entries(fieldErrors(error, t))) {
        const column = FIELD_COLUMN[field.split('.')[0] as FormField] ?? field;
        errors.push({ column, message });
      }
    }
    if (errors.length) return { errors, present, name: '' };
    // The form's schema lets some empty fields through as ''; stored, they are null.
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === '') (value as Record<string, unknown>)[k] = null;
    }
    const input = value as PartnerInput;
    return { input, errors, present, name: input.name };
  },

  // The partner form's duplicate rules: same name key or website host; first row wins.
  async classify(rows: Row[], mode, user, t) {
    const mayAssign = can(user, 'partners.update');
    const keys = [...new Set(rows.map((p) => nameKey(p.input!.name)).filter(Boolean))];
    const hosts = [
      ...new Set(rows.map((p) => websiteHost(p.input!.website)).filter((h): h is string => !!h)),
    ];
    const existing = await findPartnersByKeys<Existing>(keys, hosts, MATCH_FIELDS);
    const byKey = new Map<string, Existing>();
    const byHost = new Map<string, Existing>();
    // Live partners before archived ones, as the duplicate warning lists them.
    for (const p of [...existing].sort((a, b) => Number(!!a.archivedAt) - Number(!!b.archivedAt))) {
      if (!byKey.has(p.nameKey)) byKey.set(p.nameKey, p);
      if (p.websiteHost && !byHost.has(p.websiteHost)) byHost.set(p.websiteHost, p);
    }
    const seenKey = new Map<string, number>();
    const seenHost = new Map<string, number>();
    for (const p of rows) {
      const row = p.report;
      const key = nameKey(p.input!.name);
      const host = websiteHost(p.input!.website);
      const earlier = (key && seenKey.get(key)) || (host && seenHost.get(host)) || undefined;
      if (key && !seenKey.has(key)) seenKey.set(key, row.row);
      if (host && !seenHost.has(host)) seenHost.set(host, row.row);
      const match = (key ? byKey.get(key) : undefined) ?? (host ? byHost.get(host) : undefined);
      classifyDuplicate(p, mode, earlier, match, {
        refused:
          match && !canOnRecord(user, 'partners.update', match.owner)
            ? { column: '', message: t('imports.errors.notOwner') }
            : null,
        changedFields: () => {
          // Only those who may assign owners update the owner column.
          p.present = p.present.filter((f) => f !== 'owner' || mayAssign);
          const input = p.input as unknown as Record<string, unknown>;
          return p.present.filter((f) => comparable(f, input[f]) !== comparable(f, match![f as FormField]));
        },
        column: (f) => FIELD_COLUMN[f as FormField],
      });
    }
  },

  // Complete documents, inserted without Mongoose's hydration (`lean`: 3 of 7 seconds for
  // 10,000 partners): the rows passed the form's Joi schema, so they are cast and valid; every
  // field the schema defaults and the timestamps are set here (a test compares the result with
  // a partner made with the form). The write hooks (key collection) still run.
  async create(rows, user) {
    const mayAssign = can(user, 'partners.update');
    const now = new Date();
    const docs = rows.map((p) => {
      const { confirmDuplicate: _c, owner, ...fields } = p.input!;
      return {
        _id: new Types.ObjectId(),
        ...fields,
        // Coordinators own what they import, as with the form.
        owner: mayAssign ? (owner ? new Types.ObjectId(owner) : null) : user._id,
        lastInteractionAt: null,
        archivedAt: null,
        mergedInto: null,
        createdBy: user._id,
        ...derivePartnerKeys({ ...fields, lastInteractionAt: null }),
        createdAt: now,
        updatedAt: now,
      };
    });
    await PartnerModel.insertMany(docs, { ordered: false, lean: true });
    return docs.map((d) => d._id);
  },

  async update(p) {
    const before = p.existing!;
    const input = p.input as unknown as Record<string, unknown>;
    const set: Record<string, unknown> = {};
    for (const f of p.present) {
      set[f] = f === 'owner' ? (input.owner ? new Types.ObjectId(String(input.owner)) : null) : input[f];
    }
    const changes = diffFields(before, { ...before, ...set }, EDITABLE);
    const previous = Object.fromEntries(
      changes.map((c) => [c.field, (before as Record<string, unknown>)[c.field] ?? null]),
    );
    await PartnerModel.updateOne(
      { _id: before._id },
      { $set: { ...set, ...keysAfter(before as Record<string, unknown>, set) } },
    );
    // Features that copy partner facts (contacts keep the country) follow, as after a form edit.
    const fresh = await PartnerModel.findById(before._id).lean<Partner>();
    if (fresh) await notifyPartnerUpdated(fresh);
    return { before: previous, changes };
  },

  // Partners are archived, never deleted (as the partner page's "Archive" does).
  async archive(ids) {
    const archivedAt = new Date();
    await PartnerModel.updateMany({ _id: trusted({ $in: ids }), archivedAt: null }, { $set: { archivedAt } });
  },

  async restore(id, before) {
    const current = await PartnerModel.findById(id).lean<Partner>();
    if (!current) return;
    await PartnerModel.updateOne(
      { _id: id },
      { $set: { ...before, ...keysAfter(current as unknown as Record<string, unknown>, before) } },
    );
    const fresh = await PartnerModel.findById(id).lean<Partner>();
    if (fresh) await notifyPartnerUpdated(fresh);
  },
};

registerImport(partnerImport);
